import Logging
import StowageAPI
import StowageClient

/// The informers the controllers share, one per kind, each listed and watched once however many controllers
/// read it. Handlers are added before ``run()``.
public final class SharedInformers: Sendable {
    /// Index name: volumes by the claim their `claimRef` names, as `namespace/name`.
    public static let volumesByClaim = "spec.claimRef"

    public let volumes: Informer<PersistentVolume>
    public let claims: Informer<PersistentVolumeClaim>
    public let classes: Informer<StorageClass>
    public let pods: Informer<Pod>
    public let nodes: Informer<Node>
    public let statefulSets: Informer<StatefulSet>
    /// The StatefulSets' recorded pod templates.
    public let revisions: Informer<ControllerRevision>
    public let csiDrivers: Informer<CSIDriver>
    /// The drivers' free space per class and topology segment, for placement.
    public let capacities: Informer<CSIStorageCapacity>

    public init(cluster: any Cluster, logger: Logger) {
        volumes = Informer(cluster: cluster, indexes: [Self.volumesByClaim: Self.claimKey(of:)], logger: logger)
        claims = Informer(cluster: cluster, indexes: [StandardIndexes.claimsByVolume: StandardIndexes.volumeName(of:)], logger: logger)
        classes = Informer(cluster: cluster, logger: logger)
        pods = Informer(cluster: cluster, indexes: [StandardIndexes.podsByClaim: StandardIndexes.claims(of:)], logger: logger)
        nodes = Informer(cluster: cluster, logger: logger)
        statefulSets = Informer(cluster: cluster, logger: logger)
        revisions = Informer(cluster: cluster, logger: logger)
        csiDrivers = Informer(cluster: cluster, logger: logger)
        capacities = Informer(cluster: cluster, logger: logger)
    }

    /// Lists and watches every kind until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.volumes.run() }
            group.addTask { await self.claims.run() }
            group.addTask { await self.classes.run() }
            group.addTask { await self.pods.run() }
            group.addTask { await self.nodes.run() }
            group.addTask { await self.statefulSets.run() }
            group.addTask { await self.revisions.run() }
            group.addTask { await self.csiDrivers.run() }
            group.addTask { await self.capacities.run() }
        }
    }

    /// Waits until every informer has loaded its first list.
    public func waitForSync() async {
        await volumes.waitForSync()
        await claims.waitForSync()
        await classes.waitForSync()
        await pods.waitForSync()
        await nodes.waitForSync()
        await statefulSets.waitForSync()
        await revisions.waitForSync()
        await csiDrivers.waitForSync()
        await capacities.waitForSync()
    }

    /// The default StorageClass, chosen from the cache by admission's rule (``Admission/defaultStorageClass(among:)``).
    public func defaultClass() -> StorageClass? {
        Admission.defaultStorageClass(among: classes.list())
    }

    /// The claim a volume's `claimRef` names, as `namespace/name`.
    @Sendable static func claimKey(of volume: PersistentVolume) -> [String] {
        guard let ref = volume.spec?.claimRef, let name = ref.name, !name.isEmpty else { return [] }
        return ["\(ref.namespace ?? "default")/\(name)"]
    }
}

extension PersistentVolumeClaim {
    /// The claim's key in informers and queues.
    var key: ObjectKey { ObjectKey(namespace: metadata.namespace ?? "default", name: metadata.name ?? "") }
    /// `namespace/name`, as indexes file claims.
    var indexKey: String { "\(metadata.namespace ?? "default")/\(metadata.name ?? "")" }
}
