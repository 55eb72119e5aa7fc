import Foundation
import Logging
import StowageAPI
import StowageClient
import StowageControllers
import StowageLinux
import StowageNode
import StowageStore

/// A whole Stowage control plane in the test process — what envtest is to controller-runtime: a real store on a
/// temporary SQLite file, the in-process API (admission included), the controllers, and optionally the built-in
/// drivers as real processes on sockets in the cluster's plugins directory.
///
/// ```swift
/// let cluster = try await TestCluster.start(drivers: [.hostpath])
/// defer { Task { await cluster.stop() } }
/// try await cluster.apply(manifest)
/// let claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") { $0.status?.phase == "Bound" }
/// ```
/// ``serveAPI()`` also serves it over HTTP, as `stowage serve` does, for `kubectl` and HTTP clients.
/// Call ``stop()`` at the end (also after a failure): it stops the API, the controllers and drivers, closes the
/// store and removes the directory.
public final class TestCluster: @unchecked Sendable {
    /// The scratch directory (state, plugins, driver data).
    public let directory: String
    /// The API, in process.
    public let cluster: LocalCluster
    /// The node name the drivers serve.
    public let nodeName: String
    /// The controllers, when started.
    public private(set) var manager: ControllerManager?
    private var managerTask: Task<Void, Never>?
    /// The node agent, when started.
    public private(set) var nodeAgent: NodeAgent?
    private var nodeAgentTask: Task<Void, Never>?
    private var drivers: [String: DriverProcess] = [:]
    /// The HTTP API, once ``serveAPI()`` started it.
    var api: ServedAPI?
    let lock = NSLock()

    /// Where drivers put their sockets.
    public var pluginsDirectory: String { "\(directory)/plugins" }
    /// Where volumes are staged on this node (`<staging>/<driver>/<volume handle>`), as the node agent lays them out.
    public var stagingDirectory: String { "\(directory)/staging" }
    /// Where the node agent publishes pods' volumes (`<pods>/<uid>/volumes/<driver>/<volume>`).
    public var podsDirectory: String { "\(directory)/pods" }

    /// Starts a cluster.
    /// - Parameters:
    ///   - controllers: `--controllers` spelling (`*`, `*,-binder`, `""` for none).
    ///   - drivers: built-in drivers to start before the controllers.
    ///   - nodeName: the node the drivers serve.
    ///   - nodeAgent: whether to run the node agent (registers the node, mounts the volumes of its pods).
    public static func start(controllers: String = "*", drivers: [BuiltInDriver] = [], nodeName: String = "test-node",
                             nodeAgent: Bool = false) async throws -> TestCluster {
        let directory = "/tmp/stowage-testcluster-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: "\(directory)/plugins", withIntermediateDirectories: true)
        let store = try Store.open(directory: "\(directory)/state")
        let cluster = LocalCluster(store: store)
        let testCluster = TestCluster(directory: directory, cluster: cluster, nodeName: nodeName)
        do {
            try await cluster.bootstrap()
            for driver in drivers { try await testCluster.startDriver(driver) }
            if !controllers.isEmpty { try await testCluster.startControllers(controllers) }
            if nodeAgent { try await testCluster.startNodeAgent() }
        } catch {
            await testCluster.stop()
            throw error
        }
        return testCluster
    }

    private init(directory: String, cluster: LocalCluster, nodeName: String) {
        self.directory = directory
        self.cluster = cluster
        self.nodeName = nodeName
    }

    /// Starts the controllers (when started without, or after ``stopControllers()``) and waits for their caches.
    public func startControllers(_ selection: String = "*") async throws {
        var logger = Logger(label: "stowage.testcluster")
        logger.logLevel = .warning
        let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(
            selection: try ControllerSelection(parsing: selection), pluginsDirectory: pluginsDirectory,
            stagingDirectory: stagingDirectory), logger: logger)
        let task = Task { await manager.run() }
        lock.withLock {
            self.manager = manager
            self.managerTask = task
        }
        await manager.informers.waitForSync()
        await manager.drivers.scan()
    }

    /// Stops the controllers (the store and drivers keep running).
    public func stopControllers() async {
        let task = lock.withLock { () -> Task<Void, Never>? in
            defer { managerTask = nil; manager = nil }
            return managerTask
        }
        task?.cancel()
        await task?.value
    }

    /// Starts the node agent for ``nodeName`` (when started without, or after ``stopNodeAgent()``, as after a
    /// crash: it rebuilds from its records) and waits for its caches.
    public func startNodeAgent() async throws {
        var logger = Logger(label: "stowage.testcluster.node")
        logger.logLevel = .warning
        let agent = try NodeAgent(cluster: cluster, options: NodeAgentOptions(
            nodeName: nodeName, stateDirectory: directory, pluginsDirectory: pluginsDirectory, hostIP: "127.0.0.1",
            containerHelper: BuiltInDriver.binaries + "/stowage-container-init"), logger: logger)
        let task = Task { await agent.run() }
        lock.withLock {
            nodeAgent = agent
            nodeAgentTask = task
        }
        await agent.waitForSync()
        await agent.drivers.scan()
    }

    /// Deletes every pod and waits until the node agent has torn them all down (their directories gone).
    private func deleteAllPods() async {
        let pods = (try? await cluster.list(Pod.self, ListOptions()).items) ?? []
        for pod in pods {
            _ = try? await cluster.delete(Pod.self, ObjectKey(namespace: pod.metadata.namespace, name: pod.metadata.name ?? ""))
        }
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline,
              !((try? FileManager.default.contentsOfDirectory(atPath: podsDirectory)) ?? []).filter({ !$0.hasPrefix(".") }).isEmpty {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the node agent; what it mounted stays mounted, as after a kill.
    public func stopNodeAgent() async {
        let task = lock.withLock { () -> Task<Void, Never>? in
            defer { nodeAgentTask = nil; nodeAgent = nil }
            return nodeAgentTask
        }
        task?.cancel()
        await task?.value
    }

    /// Starts a built-in driver on `<plugins>/<name>.sock`.
    public func startDriver(_ driver: BuiltInDriver) async throws {
        let process = DriverProcess(driver: driver, directory: "\(directory)/drivers/\(driver.name)",
                                    socket: "\(pluginsDirectory)/\(driver.name).sock", nodeName: nodeName)
        try await process.start()
        lock.withLock { drivers[driver.name] = process }
    }

    /// Stops a driver started by ``startDriver(_:)`` (its volumes stay on disk).
    public func stopDriver(_ driver: BuiltInDriver) async {
        let process = lock.withLock { drivers.removeValue(forKey: driver.name) }
        await process?.stop()
    }

    /// The data directory of a started driver (its `--state-dir` is `state` inside).
    public func driverDirectory(_ driver: BuiltInDriver) -> String { "\(directory)/drivers/\(driver.name)" }

    /// Applies manifest text as `stowage apply -f` does (create, or update keeping status); returns kubectl's
    /// lines (`persistentvolumeclaim/data created`).
    @discardableResult
    public func apply(_ manifest: String) async throws -> [String] {
        let objects = try ManifestApplier.load(text: manifest, file: "manifest")
        return try await ManifestApplier(cluster: cluster).apply(objects).map(\.line)
    }

    /// Waits until the object exists and `condition` holds; returns it.
    /// - Throws: ``TestClusterError`` after `timeout`, with the object's last state.
    @discardableResult
    public func waitFor<T: APIObject>(_ type: T.Type, _ key: String, timeout: Duration = .seconds(30),
                                      until condition: @Sendable (T) -> Bool = { _ in true }) async throws -> T {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var last: T?
        while ContinuousClock.now < deadline {
            last = try await cluster.getIfPresent(type, ObjectKey(key))
            if let last, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(10))
        }
        let shown = last.map { (try? APICodec.encode($0)).flatMap { String(data: $0, encoding: .utf8) } ?? "\($0)" } ?? "not found"
        throw TestClusterError("timed out after \(timeout) waiting for \(T.resource.kind) \(key); last seen: \(shown)")
    }

    /// Waits until the object is gone.
    public func waitForDeletion<T: APIObject>(_ type: T.Type, _ key: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if try await cluster.getIfPresent(type, ObjectKey(key)) == nil { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestClusterError("timed out after \(timeout) waiting for \(T.resource.kind) \(key) to be deleted")
    }

    /// Events about the object named `name` of kind `T`, oldest first.
    public func events<T: APIObject>(about type: T.Type, _ key: String) async throws -> [Event] {
        let key = ObjectKey(key)
        return try await cluster.listAll(Event.self).filter {
            $0.involvedObject?.kind == T.resource.kind && $0.involvedObject?.name == key.name
                && (!T.resource.namespaced || ($0.involvedObject?.namespace ?? "default") == (key.namespace ?? "default"))
        }.sorted { ($0.firstTimestamp ?? .now(), $0.metadata.name ?? "") < ($1.firstTimestamp ?? .now(), $1.metadata.name ?? "") }
    }

    /// Waits until an event with `reason` (and, when given, a message containing `containing`) is recorded about
    /// the object; returns it.
    @discardableResult
    public func waitForEvent<T: APIObject>(about type: T.Type, _ key: String, reason: String, containing text: String? = nil,
                                           timeout: Duration = .seconds(30)) async throws -> Event {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var seen: [Event] = []
        while ContinuousClock.now < deadline {
            seen = try await events(about: type, key)
            if let match = seen.first(where: { event in event.reason == reason && (text.map { event.message?.contains($0) ?? false } ?? true) }) {
                return match
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let shown = seen.map { "\($0.reason ?? ""): \($0.message ?? "")" }.joined(separator: "; ")
        throw TestClusterError("timed out waiting for a \(reason) event about \(T.resource.kind) \(key); events: [\(shown)]")
    }

    /// Stops controllers and drivers, closes the store, unmounts anything left under the directory and removes it.
    /// With the node agent running, every pod is deleted first and its teardown awaited (up to 30 s), so no
    /// container process outlives the cluster.
    public func stop() async {
        await stopAPI()
        await stopControllers()
        if lock.withLock({ nodeAgent }) != nil { await deleteAllPods() }
        await stopNodeAgent()
        let processes = lock.withLock { () -> [DriverProcess] in
            defer { drivers = [:] }
            return Array(drivers.values)
        }
        for process in processes { await process.stop() }
        await cluster.store.close()
        let leftovers = ((try? MountInfo.current()) ?? []).map(\.mountPoint)
            .filter { $0.hasPrefix(directory + "/") }.sorted { $0.count > $1.count }
        for point in leftovers { try? Mount.unmount(point, mode: .detach) }
        try? SafeRemoval.remove(path: directory)
    }
}
