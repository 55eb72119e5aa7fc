import Foundation
import Logging
import StowageAPI
import StowageClient
import StowageControllers

/// Where and as whom a node agent works.
public struct NodeAgentOptions: Sendable {
    /// The Node's name; the drivers must serve the same node id.
    public var nodeName: String
    /// The state directory: pods under `pods/`, staged volumes under `staging/` (the expander's layout).
    public var stateDirectory: String
    /// Where driver sockets appear (`<state-dir>/plugins`).
    public var pluginsDirectory: String
    /// The address reported as the node's InternalIP and pods' `hostIP` (default: the first non-loopback IPv4).
    public var hostIP: String?
    /// Concurrent pod reconciles.
    public var workers: Int
    /// `stowage-container-init`, which starts containers (default: next to the running program, or in
    /// `$STOWAGE_DRIVERS_DIR`).
    public var containerHelper: String
    /// How often the drivers' free space is published as CSIStorageCapacity (also when a driver appears).
    public var capacityInterval: Duration
    /// Annotations the Node carries besides the well-known ones (the node endpoint's address and CA, when it serves
    /// logs and exec to the API server).
    public var nodeAnnotations: [String: String] = [:]

    public init(nodeName: String, stateDirectory: String, pluginsDirectory: String, hostIP: String? = nil, workers: Int = 8,
                containerHelper: String = DriverSupervisor.defaultBinaries + "/stowage-container-init",
                capacityInterval: Duration = .seconds(30)) {
        self.containerHelper = containerHelper
        self.capacityInterval = capacityInterval
        self.nodeName = nodeName
        self.stateDirectory = stateDirectory
        self.pluginsDirectory = pluginsDirectory
        self.hostIP = hostIP
        self.workers = workers
    }

    /// The address reported when `hostIP` is not given: the first non-loopback IPv4, else 127.0.0.1.
    public static var defaultHostIP: String { SystemFacts.hostIP }

    /// `<state-dir>/pods`.
    public var podsDirectory: String { "\(stateDirectory)/pods" }
    /// `<state-dir>/staging`.
    public var stagingDirectory: String { "\(stateDirectory)/staging" }
}

/// The kubelet's volume half for one node: registers the `Node` and its `CSINode`, and runs the
/// ``VolumeManager`` over the pods placed on the node. Everything it knows it learns through `cluster`, so it works
/// in `stowage serve` and alone against a remote server alike.
public final class NodeAgent: Sendable {
    public let options: NodeAgentOptions
    /// The drivers whose sockets are in the plugins directory.
    public let drivers: DriverDirectory
    let cluster: any Cluster
    let pods: Informer<Pod>
    let claims: Informer<PersistentVolumeClaim>
    let volumes: Informer<PersistentVolume>
    /// StorageClasses, whose changes republish the drivers' capacity.
    let classes: Informer<StorageClass>
    let records: PodVolumeRecords
    private let logger: Logger

    /// - Throws: ``NodeAgentError`` when the pods' records cannot be read.
    public init(cluster: any Cluster, options: NodeAgentOptions, logger: Logger = Logger(label: "stowage.node")) throws {
        self.cluster = cluster
        self.options = options
        self.logger = logger
        self.drivers = DriverDirectory(directory: options.pluginsDirectory, logger: logger)
        self.pods = Informer(cluster: cluster, indexes: [
            VolumeManager.podsByUID: { [$0.metadata.uid ?? ""] },
            StandardIndexes.podsByClaim: StandardIndexes.claims(of:),
            StandardIndexes.podsByNode: StandardIndexes.nodeName(of:),
        ], logger: logger)
        self.claims = Informer(cluster: cluster, logger: logger)
        self.volumes = Informer(cluster: cluster, logger: logger)
        self.classes = Informer(cluster: cluster, logger: logger)
        self.records = try PodVolumeRecords(podsDirectory: options.podsDirectory)
    }

    /// Registers the node and manages its pods' volumes until the task is cancelled.
    public func run() async {
        let hostIP = options.hostIP ?? SystemFacts.hostIP
        let events = EventRecorder(cluster: cluster, component: "kubelet", logger: logger)
        let runtime = PodRuntime(context: RuntimeContext(
            helper: options.containerHelper,
            builder: ContainerLaunchBuilder(podsDirectory: options.podsDirectory, hiddenPaths: [options.stateDirectory], hostIP: hostIP)))
        let manager = VolumeManager(nodeName: options.nodeName, cluster: cluster, pods: pods, claims: claims, volumes: volumes,
                                    drivers: drivers, records: records, stagingDirectory: options.stagingDirectory,
                                    events: events, hostIP: hostIP, runtime: runtime)
        let loop = ReconcileLoop(manager, workers: options.workers, logger: logger)
        manager.register(with: loop)
        let registration = NodeRegistration(cluster: cluster, nodeName: options.nodeName, hostIP: hostIP, drivers: drivers,
                                            annotations: options.nodeAnnotations)
        let capacities = CapacityPublisher(cluster: cluster, nodeName: options.nodeName, drivers: drivers, logger: logger)
        let capacityTriggers = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        classes.addHandler { _ in capacityTriggers.continuation.yield() }
        let registrations = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        drivers.onRegister { _ in registrations.continuation.yield() }
        drivers.onUnregister { _ in registrations.continuation.yield() }
        registrations.continuation.yield()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pods.run() }
            group.addTask { await self.claims.run() }
            group.addTask { await self.volumes.run() }
            group.addTask { await self.drivers.run() }
            group.addTask {
                for await _ in registrations.stream {
                    await self.retrying("registering node \(self.options.nodeName)") { try await registration.register() }
                    capacityTriggers.continuation.yield()
                }
            }
            group.addTask {
                for await _ in capacityTriggers.stream {
                    await self.retrying("publishing storage capacity") { try await capacities.publish() }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.options.capacityInterval)
                    capacityTriggers.continuation.yield()
                }
            }
            group.addTask { await self.classes.run() }
            group.addTask {
                await self.pods.waitForSync()
                await self.claims.waitForSync()
                await self.volumes.waitForSync()
                // The drivers already running are known before the first pod is looked at.
                await self.drivers.scan()
                guard !Task.isCancelled else { return }
                await loop.run()
            }
            await withTaskCancellationHandler {
                await group.next()
            } onCancel: {
                registrations.continuation.finish()
                capacityTriggers.continuation.finish()
            }
            group.cancelAll()
        }
        // The containers outlive the agent; their supervision does not (the next agent adopts them).
        await runtime.detachAll()
        await events.finish()
    }

    /// Waits until the agent's caches are filled (pods it should serve are then being set up).
    public func waitForSync() async {
        await pods.waitForSync()
        await claims.waitForSync()
        await volumes.waitForSync()
    }

    private func retrying(_ what: String, _ body: @Sendable () async throws -> Void) async {
        var delay = Duration.milliseconds(100)
        while !Task.isCancelled {
            do {
                try await body()
                return
            } catch {
                logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)", "after": "\(delay)"])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(10))
            }
        }
    }
}
