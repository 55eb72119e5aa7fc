import Foundation

/// A storage driver: one async method per RPC of the protocol. The Swift SDK's side of a driver.
///
/// Implement the methods your driver supports; every other method answers UNIMPLEMENTED (code 12). Throw
/// `CSIError` for protocol errors (`throw CSIError(.notFound, "...")`); any other error is sent as INTERNAL.
///
/// Threading: `DriverServer` calls these methods concurrently — from several connections and for pipelined
/// requests on one connection — so a driver must be `Sendable` and protect its state (an actor, a `Mutex`).
/// Methods may run on a connection's I/O thread (`DriverServer.Configuration.execution = .connectionThread`):
/// in that mode do not block in them; in the default mode (`.concurrent`) they run on Swift's global executor,
/// where long blocking work should still be moved off the cooperative pool.
public protocol Driver: Sendable {
    // Identity
    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse
    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse
    func probe(_ request: ProbeRequest) async throws -> ProbeResponse
    // Controller
    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse
    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse
    func controllerPublishVolume(_ request: ControllerPublishVolumeRequest) async throws -> ControllerPublishVolumeResponse
    func controllerUnpublishVolume(_ request: ControllerUnpublishVolumeRequest) async throws -> ControllerUnpublishVolumeResponse
    func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse
    func listVolumes(_ request: ListVolumesRequest) async throws -> ListVolumesResponse
    func getCapacity(_ request: GetCapacityRequest) async throws -> GetCapacityResponse
    func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse
    func createSnapshot(_ request: CreateSnapshotRequest) async throws -> CreateSnapshotResponse
    func deleteSnapshot(_ request: DeleteSnapshotRequest) async throws -> DeleteSnapshotResponse
    func listSnapshots(_ request: ListSnapshotsRequest) async throws -> ListSnapshotsResponse
    func getSnapshot(_ request: GetSnapshotRequest) async throws -> GetSnapshotResponse
    func controllerExpandVolume(_ request: ControllerExpandVolumeRequest) async throws -> ControllerExpandVolumeResponse
    func controllerGetVolume(_ request: ControllerGetVolumeRequest) async throws -> ControllerGetVolumeResponse
    func controllerModifyVolume(_ request: ControllerModifyVolumeRequest) async throws -> ControllerModifyVolumeResponse
    // Node
    func nodeStageVolume(_ request: NodeStageVolumeRequest) async throws -> NodeStageVolumeResponse
    func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest) async throws -> NodeUnstageVolumeResponse
    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse
    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse
    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse
    func nodeExpandVolume(_ request: NodeExpandVolumeRequest) async throws -> NodeExpandVolumeResponse
    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse
    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse
}

extension Driver {
    public func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse { throw CSIError.unimplemented("GetPluginInfo") }
    public func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse { throw CSIError.unimplemented("GetPluginCapabilities") }
    public func probe(_ request: ProbeRequest) async throws -> ProbeResponse { throw CSIError.unimplemented("Probe") }
    public func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse { throw CSIError.unimplemented("CreateVolume") }
    public func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse { throw CSIError.unimplemented("DeleteVolume") }
    public func controllerPublishVolume(_ request: ControllerPublishVolumeRequest) async throws -> ControllerPublishVolumeResponse { throw CSIError.unimplemented("ControllerPublishVolume") }
    public func controllerUnpublishVolume(_ request: ControllerUnpublishVolumeRequest) async throws -> ControllerUnpublishVolumeResponse { throw CSIError.unimplemented("ControllerUnpublishVolume") }
    public func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse { throw CSIError.unimplemented("ValidateVolumeCapabilities") }
    public func listVolumes(_ request: ListVolumesRequest) async throws -> ListVolumesResponse { throw CSIError.unimplemented("ListVolumes") }
    public func getCapacity(_ request: GetCapacityRequest) async throws -> GetCapacityResponse { throw CSIError.unimplemented("GetCapacity") }
    public func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse { throw CSIError.unimplemented("ControllerGetCapabilities") }
    public func createSnapshot(_ request: CreateSnapshotRequest) async throws -> CreateSnapshotResponse { throw CSIError.unimplemented("CreateSnapshot") }
    public func deleteSnapshot(_ request: DeleteSnapshotRequest) async throws -> DeleteSnapshotResponse { throw CSIError.unimplemented("DeleteSnapshot") }
    public func listSnapshots(_ request: ListSnapshotsRequest) async throws -> ListSnapshotsResponse { throw CSIError.unimplemented("ListSnapshots") }
    public func getSnapshot(_ request: GetSnapshotRequest) async throws -> GetSnapshotResponse { throw CSIError.unimplemented("GetSnapshot") }
    public func controllerExpandVolume(_ request: ControllerExpandVolumeRequest) async throws -> ControllerExpandVolumeResponse { throw CSIError.unimplemented("ControllerExpandVolume") }
    public func controllerGetVolume(_ request: ControllerGetVolumeRequest) async throws -> ControllerGetVolumeResponse { throw CSIError.unimplemented("ControllerGetVolume") }
    public func controllerModifyVolume(_ request: ControllerModifyVolumeRequest) async throws -> ControllerModifyVolumeResponse { throw CSIError.unimplemented("ControllerModifyVolume") }
    public func nodeStageVolume(_ request: NodeStageVolumeRequest) async throws -> NodeStageVolumeResponse { throw CSIError.unimplemented("NodeStageVolume") }
    public func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest) async throws -> NodeUnstageVolumeResponse { throw CSIError.unimplemented("NodeUnstageVolume") }
    public func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse { throw CSIError.unimplemented("NodePublishVolume") }
    public func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse { throw CSIError.unimplemented("NodeUnpublishVolume") }
    public func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse { throw CSIError.unimplemented("NodeGetVolumeStats") }
    public func nodeExpandVolume(_ request: NodeExpandVolumeRequest) async throws -> NodeExpandVolumeResponse { throw CSIError.unimplemented("NodeExpandVolume") }
    public func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse { throw CSIError.unimplemented("NodeGetCapabilities") }
    public func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse { throw CSIError.unimplemented("NodeGetInfo") }
}
