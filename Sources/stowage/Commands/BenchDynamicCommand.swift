import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageControllers
import StowageNode
import StowageStore

/// `stowage bench dynamic`: issue 6's dynamic-provisioning benchmarks through the real controllers and a real
/// driver process: N claims created at once until all are Bound, then claims created one at a time (create → Bound).
struct BenchDynamicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamic",
        abstract: "Claims → Bound through the provisioner and a real driver (hostpath or loop).")

    @Option(help: "hostpath or loop.") var driver = "hostpath"
    @Option(help: "Claims created at once.") var claims = 1_000
    @Option(help: "Claims created one at a time for the latency figure (0 skips).") var sequential = 100
    @Option(help: "Print the writes behind the first N one-at-a-time claims, in ms from each create.") var timeline = 0
    @Option(help: "Size of each claim.") var size = "64Mi"
    @Option(help: "For loop: Filesystem (mkfs happens at stage, not here) or Block.") var volumeMode = "Filesystem"

    func validate() throws {
        guard ["hostpath", "loop"].contains(driver) else { throw ValidationError("--driver: \(driver) is not a driver this benchmark runs; use hostpath or loop") }
        try BenchCounts.require("claims", claims, atLeast: 1)
        try BenchCounts.require("sequential", sequential, atLeast: 0)
        try BenchCounts.require("timeline", timeline, atLeast: 0)
    }

    func run() async throws {
        let directory = "/tmp/stowage-bench-dynamic-\(getpid())"
        try FileManager.default.createDirectory(atPath: "\(directory)/plugins", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let executable = try DriverSupervisor.executable(named: driver)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--endpoint", "unix://\(directory)/plugins/\(driver).sock", "--state-dir", "\(directory)/driver", "--node-id", "bench-node"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }

        let store = try Store.open(directory: "\(directory)/state")
        let cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        let provisioner = driver == "loop" ? "loop.stowage.dev" : "hostpath.stowage.dev"
        _ = try await cluster.create(StorageClass(metadata: ObjectMeta(name: "bench"), provisioner: provisioner))
        let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(pluginsDirectory: "\(directory)/plugins"))
        let controllers = Task { await manager.run() }
        await manager.informers.waitForSync()
        while manager.drivers.driver(named: provisioner) == nil { await manager.drivers.scan(); try await Task.sleep(for: .milliseconds(20)) }
        let request = try Quantity(parsing: size)
        let mode = volumeMode == "Block" ? PersistentVolumeMode.block : nil

        let bound = BoundCounter()
        let revision = try await cluster.list(PersistentVolumeClaim.self, ListOptions(namespace: "default", limit: 1)).resourceVersion
        let changes = try await cluster.watch(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: revision))
        let watcher = Task {
            for try await change in changes where change.object.status?.phase == "Bound" { bound.mark(change.object.metadata.name ?? "") }
        }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<claims {
                group.addTask {
                    _ = try await cluster.create(PersistentVolumeClaim(name: "burst-\(index)", request: request, storageClassName: "bench", volumeMode: mode))
                }
            }
            try await group.waitForAll()
        }
        await bound.wait(for: claims)
        let burst = ContinuousClock.now - start
        print(String(format: "dynamic provisioning (%@, %@ %@): %d claims created at once, all Bound in %.3f s",
                     driver, size, volumeMode, claims, Self.seconds(burst)))

        let writes = try await WriteTimeline(cluster: cluster)
        var latencies: [Duration] = []
        for index in 0..<sequential {
            let begin = ContinuousClock.now
            writes.start(at: begin)
            _ = try await cluster.create(PersistentVolumeClaim(name: "one-\(index)", request: request, storageClassName: "bench", volumeMode: mode))
            await bound.wait(forName: "one-\(index)")
            latencies.append(ContinuousClock.now - begin)
            if index < timeline { print("one-\(index): " + writes.lines().joined(separator: ", ")) }
        }
        writes.stop()
        if !latencies.isEmpty {
            latencies.sort()
            print(String(format: "claim create → Bound, one at a time (%d): p50 %.2f ms, p99 %.2f ms", sequential,
                         Self.seconds(latencies[latencies.count / 2]) * 1000, Self.seconds(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]) * 1000))
        }
        watcher.cancel()
        // Leave nothing behind: deleting the claims deletes the volumes through the driver.
        for claim in try await cluster.listAll(PersistentVolumeClaim.self, namespace: "default") {
            _ = try await cluster.delete(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: claim.metadata.name ?? ""))
        }
        while try await !cluster.listAll(PersistentVolume.self).isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        controllers.cancel()
        await controllers.value
        await store.close()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Names seen Bound, with waiters.
private actor BoundCounter {
    private var names = Set<String>()
    private var waiters: [(condition: (Set<String>) -> Bool, continuation: CheckedContinuation<Void, Never>)] = []

    nonisolated func mark(_ name: String) { Task { await self.insert(name) } }

    private func insert(_ name: String) {
        names.insert(name)
        waiters.removeAll { waiter in
            guard waiter.condition(names) else { return false }
            waiter.continuation.resume()
            return true
        }
    }

    func wait(for count: Int) async { await wait { $0.count >= count } }
    func wait(forName name: String) async { await wait { $0.contains(name) } }

    private func wait(_ condition: @escaping (Set<String>) -> Bool) async {
        if condition(names) { return }
        await withCheckedContinuation { waiters.append((condition, $0)) }
    }
}
