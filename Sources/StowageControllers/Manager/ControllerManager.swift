import Logging
import StowageAPI
import StowageClient
import Synchronization

/// Settings of a ``ControllerManager``.
public struct ControllerManagerOptions: Sendable {
    /// Which controllers run (`--controllers`).
    public var selection: ControllerSelection
    /// Where driver sockets are found (`<state-dir>/plugins`).
    public var pluginsDirectory: String
    /// Where this node stages volumes (`<state-dir>/staging/<driver>/<volume handle>`), for online filesystem
    /// expansion; nil leaves node expansion to the node agent.
    public var stagingDirectory: String?
    /// Concurrent reconciles per controller (the binder's are ``binderWorkers``).
    public var workers: Int
    /// Concurrent binds. A bind spends most of its time waiting for its group commit, so more in flight make larger
    /// batches (one fsync each): 128 bind a 10,000-pair backlog in 2.35–2.6 s where 16 took 2.6–2.9 s. (Safe since a
    /// freed volume wakes one waiting claim, not all of them: with every claim woken, 128 workers made the server of
    /// `bench api` grow to 609 MiB with fruitless reconciles.)
    public var binderWorkers: Int
    /// The node this manager provisions and deletes volumes for alone (external-provisioner's node deployment, run
    /// by `stowage node`): claims selected to it, volumes whose nodeAffinity is its. Nil: every claim and volume
    /// its drivers can serve, except those of other nodes.
    public var nodeDeployment: String?

    public init(selection: ControllerSelection = .all, pluginsDirectory: String, stagingDirectory: String? = nil, workers: Int = 16,
                binderWorkers: Int = 128, nodeDeployment: String? = nil) {
        self.binderWorkers = binderWorkers
        self.nodeDeployment = nodeDeployment
        self.selection = selection
        self.pluginsDirectory = pluginsDirectory
        self.stagingDirectory = stagingDirectory
        self.workers = workers
    }
}

/// Runs the selected controllers over one set of shared informers and one driver directory, as
/// kube-controller-manager does. Everything it knows it learns through `cluster`; nothing reaches around the API.
public final class ControllerManager: Sendable {
    /// The informers every controller reads.
    public let informers: SharedInformers
    /// The drivers found in the plugins directory.
    public let drivers: DriverDirectory
    /// The options it was made with.
    public let options: ControllerManagerOptions
    private let cluster: any Cluster
    private let logger: Logger
    /// The event recorders of the running controllers, flushed when they stop.
    private let recorders = Mutex<[EventRecorder]>([])

    public init(cluster: any Cluster, options: ControllerManagerOptions, logger: Logger = Logger(label: "stowage.controllers")) {
        self.cluster = cluster
        self.options = options
        self.logger = logger
        self.informers = SharedInformers(cluster: cluster, logger: logger)
        self.drivers = DriverDirectory(directory: options.pluginsDirectory, logger: logger)
    }

    /// Runs informers, the driver directory and every enabled controller until the task is cancelled.
    public func run() async {
        let selection = options.selection
        let workers = options.workers
        var loops: [@Sendable () async -> Void] = []
        let handOver = selection.isEnabled("binder") && selection.isEnabled("provisioner") ? ProvisioningHandOver(drivers: drivers) : nil
        if selection.isEnabled("binder") {
            let binder = Binder(cluster: cluster, informers: informers, events: recorder("persistentvolume-controller"),
                                handOver: handOver, logger: logger)
            let loop = ReconcileLoop(binder, workers: options.binderWorkers, logger: logger)
            binder.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("provisioner") {
            let provisioner = Provisioner(cluster: cluster, informers: informers, drivers: drivers,
                                          events: recorder("stowage-provisioner"), handOver: handOver, nodeDeployment: options.nodeDeployment)
            let loop = ReconcileLoop(provisioner, workers: workers, logger: logger)
            provisioner.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("reclaimer") {
            let reclaimer = Reclaimer(cluster: cluster, informers: informers, drivers: drivers, events: recorder("persistentvolume-controller"),
                                      nodeDeployment: options.nodeDeployment)
            let loop = ReconcileLoop(reclaimer, workers: max(1, workers / 2), logger: logger)
            reclaimer.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("protection") {
            let protection = Protection(cluster: cluster, informers: informers, events: recorder("pvc-protection-controller"))
            let loop = ReconcileLoop(protection, workers: max(1, workers / 2), logger: logger)
            protection.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("expander") {
            let expander = Expander(cluster: cluster, informers: informers, drivers: drivers,
                                    events: recorder("external-resizer"), stagingDirectory: options.stagingDirectory)
            let loop = ReconcileLoop(expander, workers: max(1, workers / 4), logger: logger)
            expander.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("garbagecollector") {
            let collector = GarbageCollector(cluster: cluster, informers: informers)
            let loop = ReconcileLoop(collector, workers: max(1, workers / 2), logger: logger)
            collector.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("ephemeral") {
            let ephemeral = EphemeralClaims(cluster: cluster, informers: informers, events: recorder("ephemeral_volume"))
            let loop = ReconcileLoop(ephemeral, workers: max(1, workers / 4), logger: logger)
            ephemeral.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("statefulset") {
            let statefulSets = StatefulSetController(cluster: cluster, informers: informers, events: recorder("statefulset-controller"))
            let loop = ReconcileLoop(statefulSets, workers: max(1, workers / 4), logger: logger)
            statefulSets.register(with: loop)
            loops.append { await loop.run() }
        }
        if selection.isEnabled("placement") {
            let placement = Placement(cluster: cluster, informers: informers, events: recorder("default-scheduler"))
            let loop = ReconcileLoop(placement, workers: max(1, workers / 4), logger: logger)
            placement.register(with: loop)
            loops.append { await loop.run() }
        }
        logger.info("controllers starting", metadata: ["controllers": "\(selection.enabled.joined(separator: ","))"])
        let workerLoops = loops
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.informers.run() }
            group.addTask { await self.drivers.run() }
            group.addTask {
                // As kube-controller-manager waits for its caches: a binder that ran before the volumes were listed
                // would send a claim to be provisioned though a matching volume exists, and protection could take
                // the finalizer off a claim whose pod it has not seen yet. Events that arrive meanwhile queue up.
                await self.informers.waitForSync()
                guard !Task.isCancelled else { return }
                await withTaskGroup(of: Void.self) { workers in
                    for loop in workerLoops { workers.addTask { await loop() } }
                }
            }
        }
        // The events the controllers recorded last are written before the manager returns (and the store closes).
        for recorder in recorders.withLock({ $0 }) { await recorder.finish() }
        recorders.withLock { $0 = [] }
    }

    private func recorder(_ component: String) -> EventRecorder {
        let recorder = EventRecorder(cluster: cluster, component: component, logger: logger)
        recorders.withLock { $0.append(recorder) }
        return recorder
    }
}
