import Foundation
import Logging
import StowageAPI
import StowageClient
import StowageControllers
import StowageLinux
import StowageNode
import StowageStore

/// One machine's worth of Stowage for the node benchmarks, in this process: a store in a scratch directory, the
/// hostpath driver, the controllers, and a node agent with class `bench` (hostpath) registered.
struct BenchNodeHarness {
    let directory: String
    let store: Store
    let cluster: LocalCluster
    private let driver: Process
    private let controllers: Task<Void, Never>
    private let node: Task<Void, Never>

    /// Starts everything under `/tmp/stowage-bench-<name>-<pid>` and waits until the driver is registered with
    /// both the controllers and the node agent.
    static func start(name: String, controllers selection: ControllerSelection = .all) async throws -> BenchNodeHarness {
        let directory = "/tmp/stowage-bench-\(name)-\(getpid())"
        try FileManager.default.createDirectory(atPath: "\(directory)/plugins", withIntermediateDirectories: true)
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: try DriverSupervisor.executable(named: "hostpath"))
        driver.arguments = ["--endpoint", "unix://\(directory)/plugins/hostpath.sock", "--state-dir", "\(directory)/driver", "--node-id", "bench-node"]
        driver.standardError = FileHandle.nullDevice
        try driver.run()

        let store = try Store.open(directory: "\(directory)/state")
        let cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        _ = try await cluster.create(StorageClass(metadata: ObjectMeta(name: "bench"), provisioner: "hostpath.stowage.dev"))
        var logger = Logger(label: "stowage.bench")
        logger.logLevel = .error
        let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(
            selection: selection, pluginsDirectory: "\(directory)/plugins"), logger: logger)
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
        return BenchNodeHarness(directory: directory, store: store, cluster: cluster, driver: driver, controllers: controllers, node: node)
    }

    /// Deletes every claim of `default` and waits for their volumes to go, stops everything, and removes the
    /// scratch directory unless something is still mounted under it.
    func stop() async throws {
        for claim in try await cluster.listAll(PersistentVolumeClaim.self, namespace: "default") {
            _ = try await cluster.delete(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: claim.metadata.name ?? ""))
        }
        while try await !cluster.listAll(PersistentVolume.self).isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        node.cancel()
        controllers.cancel()
        await node.value
        await controllers.value
        await store.close()
        driver.terminate()
        driver.waitUntilExit()
        let leftovers = try MountInfo.current().filter { $0.mountPoint.hasPrefix(directory + "/") }
        if leftovers.isEmpty { try? SafeRemoval.remove(path: directory) } else { print("stowage: mounts left under \(directory); not removed") }
    }
}
