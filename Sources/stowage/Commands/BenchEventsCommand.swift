import ArgumentParser
import Foundation
import Logging
import StowageAPI
import StowageBench
import StowageClient
import StowageControllers
import StowageStore

/// `stowage bench events`: the event recorder's worst moment — its whole queue of distinct events (what a controller
/// records for thousands of new claims while the writer is behind) handed to the writer at once — measured as the
/// time to write them and how much this process's resident memory grows meanwhile (real store, in process).
struct BenchEventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Time and peak memory to write a burst of distinct events through the event recorder (real store, in process).")

    @Option(help: "Distinct events in the burst (the recorder's queue holds 4,000).") var events = EventRecorder.capacity
    @Option(help: "Events the recorder writes at once (repeatable; 0: all of them at once, as before the bound).")
    var concurrentWrites: [Int] = [32, 0]

    func validate() throws {
        try BenchCounts.require("events", events, atLeast: 1)
        try BenchCounts.require("concurrent-writes", concurrentWrites, atLeast: 0)
    }

    func run() async throws {
        for window in concurrentWrites {
            let directory = "/tmp/stowage-bench-events-\(getpid())-\(window)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let (store, cluster) = try await BenchLocalCluster.open(directory)
            // Claims as the binder sees them: the events are about them; they need not be stored.
            let claims = (0..<events).map { index -> PersistentVolumeClaim in
                var claim = APIBenchmarks.claim("claim-\(index)", namespace: "default")
                claim.metadata.uid = UUID().uuidString.lowercased()
                return claim
            }
            HeapTrimmer.trimNow()
            let before = ProcessMemory.residentMiB()
            ProcessMemory.resetPeak()
            let recorder = EventRecorder(cluster: cluster, component: "persistentvolume-controller", logger: Logger(label: "bench"),
                                         maximumConcurrentWrites: window == 0 ? events : window)
            let start = ContinuousClock.now
            for claim in claims {
                recorder.warning(claim, reason: "ProvisioningFailed", "storageclass.storage.k8s.io \"bench\" not found")
            }
            await recorder.finish()
            let elapsed = ContinuousClock.now - start
            let peak = ProcessMemory.peakMiB()
            let written = try await cluster.listAll(Event.self).count
            print(String(format: "event burst: %d distinct events, %@ at once: %d written in %.3f s; resident memory grew by %.1f MiB at the peak (%.1f → %.1f MiB)",
                         events, window == 0 ? "all" : "\(window)", written, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds),
                         peak - before, before, peak))
            await store.close()
        }
    }
}
