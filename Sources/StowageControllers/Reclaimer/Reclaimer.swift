import Logging
import StowageAPI
import StowageCSI
import StowageClient

/// The reclaimer (§4): a Released volume with policy `Delete` is deleted through its driver, then its PV object;
/// `Retain` keeps it Released with its stale claimRef until a user runs `stowage pv release`. A provisioned PV
/// deleted before its claim keeps ``ProvisioningFinalizer/deleteStorage`` until the driver confirmed the deletion
/// (Kubernetes' HonorPVReclaimPolicy).
public final class Reclaimer: Reconciler {
    public let name = "reclaimer"
    let cluster: any Cluster
    let informers: SharedInformers
    let drivers: DriverDirectory
    let events: EventRecorder
    /// When set, only volumes whose nodeAffinity names this node's topology are deleted (see
    /// ``ControllerManagerOptions/nodeDeployment``).
    let nodeDeployment: String?

    public init(cluster: any Cluster, informers: SharedInformers, drivers: DriverDirectory, events: EventRecorder,
                nodeDeployment: String? = nil) {
        self.nodeDeployment = nodeDeployment
        self.cluster = cluster
        self.informers = informers
        self.drivers = drivers
        self.events = events
    }

    /// Connects the volume informer and the driver directory to `loop`.
    public func register(with loop: ReconcileLoop<Reclaimer>) {
        informers.volumes.addHandler { event in
            let volume = event.object
            guard Self.needsAttention(volume) else { return }
            loop.enqueue(volume.metadata.name ?? "")
        }
        drivers.onRegister { driver in
            for volume in self.informers.volumes.list() where volume.spec?.csi?.driver == driver && Self.needsAttention(volume) {
                loop.enqueue(volume.metadata.name ?? "")
            }
        }
    }

    static func needsAttention(_ volume: PersistentVolume) -> Bool {
        volume.status?.phase == PersistentVolumePhase.released
            || (volume.metadata.isBeingDeleted && volume.metadata.hasFinalizer(ProvisioningFinalizer.deleteStorage))
    }

    public func reconcile(_ name: String) async throws -> ReconcileResult {
        guard let volume = informers.volumes.get(ObjectKey(name: name)), isMine(volume) else { return .done }
        let policy = volume.spec?.persistentVolumeReclaimPolicy ?? PersistentVolumeReclaimPolicy.retain
        let released = volume.status?.phase == PersistentVolumePhase.released
        if volume.metadata.isBeingDeleted {
            guard volume.metadata.hasFinalizer(ProvisioningFinalizer.deleteStorage),
                  volume.status?.phase != PersistentVolumePhase.bound else { return .done }
            if policy == PersistentVolumeReclaimPolicy.delete {
                guard try await deleteStorage(of: volume) else { return .again(after: .seconds(1)) }
            }
            var updated = volume
            updated.metadata.finalizers?.removeAll { $0 == ProvisioningFinalizer.deleteStorage }
            _ = try await cluster.update(updated)
            return .done
        }
        guard released, policy == PersistentVolumeReclaimPolicy.delete else { return .done }
        guard volume.spec?.csi != nil else {
            events.warning(volume, reason: "VolumeFailedDelete",
                           "error getting deleter volume plugin for volume \"\(name)\": only volumes of a driver (csi) can be deleted; the data stays where it is")
            var failed = volume
            failed.status = PersistentVolumeStatus(phase: PersistentVolumePhase.failed, message: "no driver can delete this volume",
                                                   lastPhaseTransitionTime: .now())
            _ = try await cluster.updateStatus(failed)
            return .done
        }
        guard try await deleteStorage(of: volume) else { return .again(after: .seconds(1)) }
        if volume.metadata.hasFinalizer(ProvisioningFinalizer.deleteStorage) {
            var updated = volume
            updated.metadata.finalizers?.removeAll { $0 == ProvisioningFinalizer.deleteStorage }
            _ = try await cluster.update(updated)
        }
        _ = try await cluster.delete(PersistentVolume.self, ObjectKey(name: name))
        return .done
    }

    /// Whether this reclaimer deletes `volume`: not when its driver runs here but for another node (that node's
    /// reclaimer does), and for a node deployment only when its driver runs here.
    private func isMine(_ volume: PersistentVolume) -> Bool {
        guard let driverName = volume.spec?.csi?.driver else { return nodeDeployment == nil }
        guard let driver = drivers.driver(named: driverName) else { return nodeDeployment == nil }
        return isServed(volume, by: driver)
    }

    /// Whether `volume` lives where `driver` runs: its nodeAffinity admits the driver's node (its topology
    /// segments as labels). A node deployment deletes only volumes pinned to its node; the cluster's reclaimer also
    /// those pinned nowhere.
    private func isServed(_ volume: PersistentVolume, by driver: RegisteredDriver) -> Bool {
        let pinned = !(volume.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []).isEmpty
        if nodeDeployment != nil, !pinned { return false }
        var labels = driver.topology
        labels["kubernetes.io/hostname"] = driver.nodeID
        return VolumeMatching.nodeAffinity(of: volume, admits: Node(name: driver.nodeID, labels: labels))
    }

    /// Deletes the volume through its driver; false when the driver is not registered (try again later).
    private func deleteStorage(of volume: PersistentVolume) async throws -> Bool {
        guard let csi = volume.spec?.csi, let driverName = csi.driver, let handle = csi.volumeHandle else { return true }
        guard let driver = drivers.driver(named: driverName) else {
            events.normal(volume, reason: "VolumeFailedDelete",
                          "waiting for driver \"\(driverName)\" to register to delete the volume: no socket in \(drivers.directory) answers as that driver")
            return false
        }
        do {
            _ = try await driver.client.deleteVolume(DeleteVolumeRequest(volumeId: handle))
            return true
        } catch let error as CSIError {
            events.warning(volume, reason: "VolumeFailedDelete", "rpc error: code = \(error.code.name) desc = \(error.message)")
            throw error
        }
    }
}
