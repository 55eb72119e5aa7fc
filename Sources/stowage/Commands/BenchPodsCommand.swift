import ArgumentParser
import Foundation
import Logging
import StowageAPI
import StowageClient
import StowageControllers
import StowageLinux
import StowageNode
import StowageStore

/// `stowage bench pods`: issue 7's benchmarks through the real controllers, node agent and hostpath driver: N
/// pods, each with its own claim, created at once until every pod is Running (placed, claim provisioned and bound,
/// volume published); then each pod deleted in turn, timed until its volume is unpublished.
struct BenchPodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "Pods with a hostpath claim each → Running, and pod delete → volume unpublished.")

    @Option(help: "Pods (each with its own claim) created at once.") var pods = 100

    func run() async throws {
        let directory = "/tmp/stowage-bench-pods-\(getpid())"
        try FileManager.default.createDirectory(atPath: "\(directory)/plugins", withIntermediateDirectories: true)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: DriverSupervisor.defaultBinaries + "/stowage-hostpath")
        driver.arguments = ["--endpoint", "unix://\(directory)/plugins/hostpath.sock", "--state-dir", "\(directory)/driver", "--node-id", "bench-node"]
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        defer { driver.terminate(); driver.waitUntilExit() }

        let store = try Store.open(directory: "\(directory)/state")
        let cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        _ = try await cluster.create(StorageClass(metadata: ObjectMeta(name: "bench"), provisioner: "hostpath.stowage.dev"))
        var logger = Logger(label: "stowage.bench")
        logger.logLevel = .error
        let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(pluginsDirectory: "\(directory)/plugins"), logger: logger)
        let agent = try NodeAgent(cluster: cluster, options: NodeAgentOptions(
            nodeName: "bench-node", stateDirectory: directory, pluginsDirectory: "\(directory)/plugins", hostIP: "127.0.0.1"), logger: logger)
        let controllers = Task { await manager.run() }
        let node = Task { await agent.run() }
        await manager.informers.waitForSync()
        await agent.waitForSync()
        while true {
            let node = try await cluster.getIfPresent(Node.self, ObjectKey(name: "bench-node"))
            if agent.drivers.driver(named: "hostpath.stowage.dev") != nil, manager.drivers.driver(named: "hostpath.stowage.dev") != nil,
               node?.status?.conditions != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }

        let running = try await RunningPods(cluster: cluster)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<pods {
                group.addTask {
                    _ = try await cluster.create(PersistentVolumeClaim(name: "data-\(index)", request: .mebibytes(16), storageClassName: "bench"))
                    _ = try await cluster.create(Self.pod(index))
                }
            }
            try await group.waitForAll()
        }
        await running.wait(for: pods)
        let burst = ContinuousClock.now - start
        print(String(format: "%d pods with a hostpath claim each, created at once → all Running (placed, provisioned, bound, published) in %.3f s",
                     pods, BenchDynamicCommand.seconds(burst)))

        var latencies: [Duration] = []
        for pod in try await cluster.listAll(Pod.self, namespace: "default") {
            let target = "\(directory)/pods/\(pod.metadata.uid ?? "")/volumes/hostpath.stowage.dev/data"
            let begin = ContinuousClock.now
            _ = try await cluster.delete(Pod.self, ObjectKey(namespace: "default", name: pod.metadata.name ?? ""))
            while try MountInfo.isMountPoint(target) { try await Task.sleep(for: .microseconds(200)) }
            latencies.append(ContinuousClock.now - begin)
        }
        latencies.sort()
        if !latencies.isEmpty {
            print(String(format: "pod delete → volume unpublished, one at a time (%d): p50 %.2f ms, p99 %.2f ms", latencies.count,
                         BenchDynamicCommand.seconds(latencies[latencies.count / 2]) * 1000,
                         BenchDynamicCommand.seconds(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]) * 1000))
        }
        for claim in try await cluster.listAll(PersistentVolumeClaim.self, namespace: "default") {
            _ = try await cluster.delete(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: claim.metadata.name ?? ""))
        }
        while try await !cluster.listAll(PersistentVolume.self).isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        node.cancel()
        controllers.cancel()
        await node.value
        await controllers.value
        await store.close()
        let leftovers = try MountInfo.current().filter { $0.mountPoint.hasPrefix(directory + "/") }
        if leftovers.isEmpty { try? SafeRemoval.remove(path: directory) } else { print("stowage: mounts left under \(directory); not removed") }
    }

    static func pod(_ index: Int) -> Pod {
        Pod(name: "pod-\(index)", containers: [Container(name: "app", image: "busybox")],
            volumes: [StowageAPI.Volume(name: "data", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "data-\(index)"))])
    }
}

/// Counts pods seen Running through a watch.
private actor RunningPods {
    private var names = Set<String>()
    private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?
    private var task: Task<Void, Never>?

    init(cluster: LocalCluster) async throws {
        let revision = try await cluster.list(Pod.self, ListOptions(namespace: "default", limit: 1)).resourceVersion
        let changes = try await cluster.watch(Pod.self, WatchOptions(namespace: "default", resourceVersion: revision))
        task = Task { [weak self] in
            do {
                for try await change in changes where change.object.status?.phase == PodStatus.Phase.running {
                    await self?.mark(change.object.metadata.name ?? "")
                }
            } catch {}
        }
    }

    private func mark(_ name: String) {
        names.insert(name)
        if let waiter, names.count >= waiter.count {
            waiter.continuation.resume()
            self.waiter = nil
        }
    }

    func wait(for count: Int) async {
        if names.count >= count { return }
        await withCheckedContinuation { waiter = (count, $0) }
    }
}
