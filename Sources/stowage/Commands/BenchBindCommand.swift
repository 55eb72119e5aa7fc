import ArgumentParser
import Foundation
import Logging
import StowageAPI
import StowageBench
import StowageClient
import StowageControllers
import StowageStore

/// `stowage bench bind`: issue 6's binder benchmark. N Available PVs and N Pending PVCs are created with the
/// binder stopped; then the binder starts and the clock runs until every claim is Bound.
struct BenchBindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bind",
        abstract: "Time to bind a backlog of PV/PVC pairs once the binder starts (real store, in process).")

    @Option(help: "Pairs in the backlog (repeatable).") var pairs: [Int] = [1_000, 10_000]
    @Option(help: "Binder workers (default: stowage serve's).") var workers = ControllerManagerOptions(pluginsDirectory: "").binderWorkers

    func validate() throws {
        try BenchCounts.require("pairs", pairs, atLeast: 1)
        try BenchCounts.require("workers", workers, atLeast: 1)
    }

    func run() async throws {
        for count in pairs {
            let directory = "/tmp/stowage-bench-bind-\(getpid())-\(count)"
            let (store, cluster) = try await BenchLocalCluster.open(directory)
            try await createConcurrently(count) { index in
                _ = try await cluster.create(PersistentVolume(name: "pv-\(index)", capacity: .gibibytes(1), storageClassName: "",
                                                                     hostPath: HostPathVolumeSource(path: "/srv/pv-\(index)")))
            }
            // The volumes become Available first (no claims exist yet, so nothing binds), as in the Kubernetes
            // measurement; then the claims are created with the binder stopped.
            let options = ControllerManagerOptions(selection: try ControllerSelection(parsing: "binder"),
                                                   pluginsDirectory: directory + "/plugins", binderWorkers: workers)
            let warmup = Task { await ControllerManager(cluster: cluster, options: options).run() }
            try await waitUntil(cluster, count) { (try await cluster.listAll(PersistentVolume.self)).filter { $0.status?.phase == "Available" }.count }
            warmup.cancel()
            await warmup.value
            try await createConcurrently(count) { index in
                _ = try await cluster.create(PersistentVolumeClaim(name: "pvc-\(index)", request: .gibibytes(1), storageClassName: ""))
            }
            // Count Bound claims from a watch, so measuring does not compete with the binder for the CPU.
            let revision = try await cluster.list(PersistentVolumeClaim.self, ListOptions(namespace: "default", limit: 1)).resourceVersion
            let changes = try await cluster.watch(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: revision))
            let revisionBefore = try await store.currentRevision()
            let start = ContinuousClock.now
            let cpuBefore = Self.processCPUSeconds()
            let task = Task { await ControllerManager(cluster: cluster, options: options).run() }
            var bound = Set<String>()
            for try await change in changes where change.object.status?.phase == "Bound" {
                bound.insert(change.object.metadata.name ?? "")
                if bound.count == count { break }
            }
            let elapsed = ContinuousClock.now - start
            let cpu = Self.processCPUSeconds() - cpuBefore
            task.cancel()
            await task.value
            let resident = ProcessMemory.residentMiB()
            HeapTrimmer.trimNow()
            let trimmed = ProcessMemory.residentMiB()
            let writes = try await store.currentRevision() - revisionBefore
            print(String(format: "bind backlog: %d pairs all Bound %.3f s after the binder started (%d workers, %lld writes, %.0f µs of CPU per bind); resident memory of this process (store, API, binder, %d bound pairs): %.1f MiB, %.1f MiB after the heap trim `stowage serve` runs every 30 s",
                         count, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds), workers, writes,
                         cpu * 1e6 / Double(count), count, resident, trimmed))
            await store.close()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    private func createConcurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let next = TicketCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    while true {
                        let index = next.take()
                        if index >= count { return }
                        try await body(index)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// User and system CPU time this process used so far, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Polls `done` (a count) every 50 ms until it reaches `count`.
    private func waitUntil(_ cluster: LocalCluster, _ count: Int, _ done: () async throws -> Int) async throws {
        while try await done() < count { try await Task.sleep(for: .milliseconds(50)) }
    }
}
