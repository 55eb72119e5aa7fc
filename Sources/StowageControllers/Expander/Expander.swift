import Foundation
import Logging
import StowageAPI
import StowageCSI
import StowageClient

/// The expander (§5): a bound claim whose request grew past its capacity (admission already checked the class
/// allows it) is grown with `ControllerExpandVolume`; the PV's capacity follows; when the driver asks for node
/// expansion and the volume is staged on this node (at `<staging>/<driver>/<volume handle>`, the node agent's
/// layout), `NodeExpandVolume` grows the filesystem online; then the claim's `status.capacity` is updated.
/// Conditions `Resizing` and `FileSystemResizePending` show progress; failures are events and back off.
public final class Expander: Reconciler {
    public let name = "expander"
    let cluster: any Cluster
    let informers: SharedInformers
    let drivers: DriverDirectory
    let events: EventRecorder
    /// Where this node stages volumes (nil: node expansion is left to the node agent).
    let stagingDirectory: String?

    public init(cluster: any Cluster, informers: SharedInformers, drivers: DriverDirectory, events: EventRecorder, stagingDirectory: String?) {
        self.cluster = cluster
        self.informers = informers
        self.drivers = drivers
        self.events = events
        self.stagingDirectory = stagingDirectory
    }

    /// The staging path of a volume on this node.
    public static func stagingPath(in directory: String, driver: String, volumeHandle: String) -> String {
        "\(directory)/\(driver)/\(volumeHandle)"
    }

    /// Connects the claim informer and the driver directory to `loop`.
    public func register(with loop: ReconcileLoop<Expander>) {
        informers.claims.addHandler { event in
            if Self.wantsExpansion(event.object) != nil { loop.enqueue(event.object.key) }
        }
        drivers.onRegister { _ in
            for claim in self.informers.claims.list() where Self.wantsExpansion(claim) != nil { loop.enqueue(claim.key) }
        }
    }

    /// The size a bound claim asks to grow to, when it is more than it has.
    static func wantsExpansion(_ claim: PersistentVolumeClaim) -> Quantity? {
        guard claim.status?.phase == PersistentVolumeClaimPhase.bound, !claim.metadata.isBeingDeleted,
              let requested = claim.storageRequest, let capacity = claim.status?.capacity?[StorageResourceName.storage],
              capacity < requested else { return nil }
        return requested
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let cached = informers.claims.get(key), let requested = Self.wantsExpansion(cached),
              let volume = informers.volumes.get(ObjectKey(name: cached.spec?.volumeName ?? "")),
              let csi = volume.spec?.csi, let driverName = csi.driver, let handle = csi.volumeHandle else { return .done }
        guard let driver = drivers.driver(named: driverName) else {
            events.normal(cached, reason: "ExternalExpanding", "waiting for driver \"\(driverName)\" to register to expand the volume")
            return .done
        }
        var claim = try await setConditions(cached, [PersistentVolumeClaimConditionType.resizing], allocated: requested)
        let capability = Self.capability(of: volume)
        var volumeCapacity = volume.storageCapacity ?? Quantity(bytes: 0)
        var nodeExpansionRequired = false
        if volumeCapacity < requested {
            let response: ControllerExpandVolumeResponse
            do {
                response = try await driver.client.controllerExpandVolume(ControllerExpandVolumeRequest(
                    volumeId: handle, capacityRange: CapacityRange(requiredBytes: requested.value), volumeCapability: capability))
            } catch let error as CSIError {
                events.warning(claim, reason: "VolumeResizeFailed", "resize volume \"\(volume.metadata.name ?? "")\" by resizer \"\(driverName)\" failed: rpc error: code = \(error.code.name) desc = \(error.message)")
                throw error
            }
            volumeCapacity = response.capacityBytes > 0 ? Quantity(bytes: response.capacityBytes) : requested
            nodeExpansionRequired = response.nodeExpansionRequired
            var grown = volume
            grown.spec?.capacity?[StorageResourceName.storage] = volumeCapacity
            _ = try await cluster.update(grown)
        } else {
            // A restart after ControllerExpandVolume: the PV has the size; the node part may remain (it is idempotent).
            nodeExpansionRequired = volume.spec?.effectiveVolumeMode != PersistentVolumeMode.block
        }
        if nodeExpansionRequired {
            claim = try await setConditions(claim, [PersistentVolumeClaimConditionType.fileSystemResizePending], allocated: requested)
            guard let stagingDirectory else { return .done }
            let path = Self.stagingPath(in: stagingDirectory, driver: driverName, volumeHandle: handle)
            guard FileManager.default.fileExists(atPath: path) else {
                // Not staged here: the node expands it when it next stages the volume.
                return .done
            }
            do {
                _ = try await driver.client.nodeExpandVolume(NodeExpandVolumeRequest(
                    volumeId: handle, volumePath: path, capacityRange: CapacityRange(requiredBytes: requested.value),
                    stagingTargetPath: path, volumeCapability: capability))
            } catch let error as CSIError {
                events.warning(claim, reason: "FileSystemResizeFailed", "MountVolume.NodeExpandVolume failed for volume \"\(volume.metadata.name ?? "")\": rpc error: code = \(error.code.name) desc = \(error.message)")
                throw error
            }
        }
        var done = claim
        done.status?.capacity = [StorageResourceName.storage: volumeCapacity]
        done.status?.conditions = nil
        done.status?.allocatedResources = [StorageResourceName.storage: requested]
        _ = try await cluster.updateStatus(done)
        events.normal(claim, reason: nodeExpansionRequired ? "FileSystemResizeSuccessful" : "VolumeResizeSuccessful",
                      "resize of volume \"\(volume.metadata.name ?? "")\" to \(volumeCapacity) finished")
        return .done
    }

    private func setConditions(_ claim: PersistentVolumeClaim, _ types: [String], allocated: Quantity) async throws -> PersistentVolumeClaim {
        var updated = claim
        updated.status?.allocatedResources = [StorageResourceName.storage: allocated]
        updated.status?.conditions = types.map {
            PersistentVolumeClaimCondition(type: $0, status: "True", lastTransitionTime: .now())
        }
        if updated.status?.conditions?.map(\.type) == claim.status?.conditions?.map(\.type),
           updated.status?.allocatedResources == claim.status?.allocatedResources { return claim }
        return try await cluster.updateStatus(updated)
    }

    /// The CSI capability a PV is used with: block or mount (with the PV's `fsType`), and the CSI access mode of
    /// its first access mode. The node agent stages and publishes with the same one.
    public static func capability(of volume: PersistentVolume) -> VolumeCapability? {
        let block = volume.spec?.effectiveVolumeMode == PersistentVolumeMode.block
        let mode = Provisioner.csiMode(volume.spec?.accessModes?.first ?? PersistentVolumeAccessMode.readWriteOnce)
        return VolumeCapability(accessType: block ? .block(.init()) : .mount(.init(fsType: volume.spec?.csi?.fsType ?? "")),
                                accessMode: .init(mode: mode))
    }
}
