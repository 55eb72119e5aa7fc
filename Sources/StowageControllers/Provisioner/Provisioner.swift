import StowageAPI
import StowageCSI
import StowageClient
import Synchronization

/// Finalizers the provisioner and reclaimer use.
public enum ProvisioningFinalizer {
    /// On a claim while its volume is being created and not yet recorded as a PV: a claim deleted (or a process
    /// killed) in that window cannot leak the volume, because the claim stays until the provisioner has either
    /// recorded the PV or deleted the orphan.
    public static let volumeInFlight = "provisioner.stowage.dev/volume-in-flight"
    /// On every provisioned PV (Kubernetes' spelling): the PV object stays until the driver confirmed
    /// `DeleteVolume`, even when the PV is deleted before its claim.
    public static let deleteStorage = "external-provisioner.volume.kubernetes.io/finalizer"
}

/// The provisioner: for claims the binder handed to a driver (`volume.kubernetes.io/storage-provisioner`), calls the
/// driver's `CreateVolume` named `pvc-<claim uid>` on the node the claim belongs to and records the PV (§3).
/// Crash-safe through ``ProvisioningFinalizer/volumeInFlight``; failures back off from 1 s doubling to 5 min;
/// INVALID_ARGUMENT waits for the claim or class to change; RESOURCE_EXHAUSTED clears a selected node.
public final class Provisioner: Reconciler {
    public let name = "provisioner"
    let cluster: any Cluster
    let informers: SharedInformers
    let drivers: DriverDirectory
    let events: EventRecorder
    /// Claims whose last attempt failed, by uid: consecutive failures, and for INVALID_ARGUMENT the claim and
    /// class versions it failed for.
    let failures = Mutex<[String: ProvisioningFailure]>([:])
    /// Claims this process has started provisioning (an in-flight finalizer found on any other claim was left by
    /// an earlier process).
    let started = Mutex<Set<String>>([])
    /// Claims whose in-flight finalizer this process's binder put on (nil: no binder in this process).
    let handOver: ProvisioningHandOver?
    /// When set, only claims selected to this node are provisioned (see ``ControllerManagerOptions/nodeDeployment``).
    let nodeDeployment: String?

    struct ProvisioningFailure {
        var count: Int
        var finalFor: String?
    }

    public init(cluster: any Cluster, informers: SharedInformers, drivers: DriverDirectory, events: EventRecorder,
                handOver: ProvisioningHandOver? = nil, nodeDeployment: String? = nil) {
        self.nodeDeployment = nodeDeployment
        self.cluster = cluster
        self.informers = informers
        self.drivers = drivers
        self.events = events
        self.handOver = handOver
    }

    /// Connects informers and the driver directory to `loop`.
    public func register(with loop: ReconcileLoop<Provisioner>) {
        informers.claims.addHandler { event in
            let claim = event.object
            if case .deleted = event, let uid = claim.metadata.uid {
                // Nothing more will happen to this claim: forget what was kept about it.
                self.failures.withLock { _ = $0.removeValue(forKey: uid) }
                self.started.withLock { _ = $0.remove(uid) }
                self.handOver?.forget(uid)
            }
            if claim.metadata.annotation(StorageAnnotation.storageProvisioner) != nil
                || claim.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight) {
                loop.enqueue(claim.key)
            }
        }
        informers.classes.addHandler { event in
            // A changed class may fix what INVALID_ARGUMENT complained about.
            for claim in self.informers.claims.list() where claim.spec?.storageClassName == event.object.metadata.name {
                if claim.metadata.annotation(StorageAnnotation.storageProvisioner) != nil { loop.enqueue(claim.key) }
            }
        }
        drivers.onRegister { driver in
            for claim in self.informers.claims.list() where claim.metadata.annotation(StorageAnnotation.storageProvisioner) == driver {
                loop.enqueue(claim.key)
            }
        }
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let claim = informers.claims.get(key) else { return .done }
        let volumeName = "pvc-\(claim.metadata.uid ?? "")"
        let inFlight = claim.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight)
        let existing = try await volumeRecord(named: volumeName)
        if claim.metadata.isBeingDeleted || !(claim.spec?.volumeName ?? "").isEmpty || existing != nil {
            guard inFlight else { return .done }
            if existing == nil, claim.metadata.isBeingDeleted {
                if let uid = claim.metadata.uid, handOver?.wasHandedOver(uid) == true, !started.withLock({ $0.contains(uid) }) {
                    // Handed over by this process's binder and never sent to the driver: nothing to delete.
                    try await removeInFlightFinalizer(from: claim)
                    return .done
                }
                return try await deleteOrphan(of: claim, volumeName: volumeName)
            }
            try await removeInFlightFinalizer(from: claim)
            if existing != nil, started.withLock({ $0.contains(claim.metadata.uid ?? "") }) {
                events.normal(claim, reason: "ProvisioningSucceeded", "Successfully provisioned volume \(volumeName)")
            }
            return .done
        }
        guard let driverName = claim.metadata.annotation(StorageAnnotation.storageProvisioner), !driverName.isEmpty,
              let className = claim.spec?.storageClassName, !className.isEmpty,
              let storageClass = informers.classes.get(ObjectKey(name: className)), storageClass.provisioner == driverName
        else { return .done }
        let selectedNode = claim.metadata.annotation(StorageAnnotation.selectedNode)
        if let nodeDeployment, selectedNode != nodeDeployment { return .done }
        if storageClass.volumeBindingMode == VolumeBindingMode.waitForFirstConsumer, (selectedNode ?? "").isEmpty { return .done }
        guard let driver = drivers.driver(named: driverName) else {
            events.normal(claim, reason: "ExternalProvisioning",
                          "waiting for driver \"\(driverName)\" to register: no socket in \(drivers.directory) answers as that driver")
            return .done
        }
        if let selectedNode, !selectedNode.isEmpty, selectedNode != driver.nodeID { return .done }
        if failures.withLock({ $0[claim.metadata.uid ?? ""]?.finalFor }) == Self.version(of: claim, storageClass) { return .done }
        return try await provision(claim, class: storageClass, driver: driver, volumeName: volumeName, resumed: inFlight)
    }

    /// The PV record named `name`, from the cache or, when the cache has not seen it, the API.
    func volumeRecord(named name: String) async throws -> PersistentVolume? {
        if let cached = informers.volumes.get(ObjectKey(name: name)) { return cached }
        return try await cluster.getIfPresent(PersistentVolume.self, ObjectKey(name: name))
    }

    /// Removes the in-flight finalizer, re-reading and retrying when another controller wrote the claim meanwhile
    /// (the binder binds it the moment its PV appears), so the finalizer never outlives the volume's record.
    func removeInFlightFinalizer(from claim: PersistentVolumeClaim) async throws {
        var attempt = 0
        while true {
            attempt += 1
            guard var fresh = try await cluster.getIfPresent(PersistentVolumeClaim.self, claim.key),
                  fresh.metadata.uid == claim.metadata.uid,
                  fresh.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight) else { return }
            fresh.metadata.finalizers?.removeAll { $0 == ProvisioningFinalizer.volumeInFlight }
            do {
                _ = try await cluster.update(fresh)
                return
            } catch let error as APIError where error.reason == .conflict && attempt < 10 {
                continue
            }
        }
    }

    /// What a refusal is final for: the claim's spec (its generation) and the class's version.
    static func version(of claim: PersistentVolumeClaim, _ storageClass: StorageClass) -> String {
        "\(claim.metadata.generation ?? 0)/\(storageClass.metadata.resourceVersion ?? "")"
    }
}
