import Foundation

/// One typed method per RPC. Each throws `CSIError` exactly as `DriverClient.call(_:timeout:)` does.
extension DriverClient {
    /// Calls `GetPluginInfo`.
    public func getPluginInfo(_ request: GetPluginInfoRequest = .init(), timeout: Duration? = nil) async throws -> GetPluginInfoResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `GetPluginCapabilities`.
    public func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest = .init(), timeout: Duration? = nil) async throws -> GetPluginCapabilitiesResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `Probe`.
    public func probe(_ request: ProbeRequest = .init(), timeout: Duration? = nil) async throws -> ProbeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `CreateVolume`.
    public func createVolume(_ request: CreateVolumeRequest, timeout: Duration? = nil) async throws -> CreateVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `DeleteVolume`.
    public func deleteVolume(_ request: DeleteVolumeRequest, timeout: Duration? = nil) async throws -> DeleteVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerPublishVolume`.
    public func controllerPublishVolume(_ request: ControllerPublishVolumeRequest, timeout: Duration? = nil) async throws -> ControllerPublishVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerUnpublishVolume`.
    public func controllerUnpublishVolume(_ request: ControllerUnpublishVolumeRequest, timeout: Duration? = nil) async throws -> ControllerUnpublishVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ValidateVolumeCapabilities`.
    public func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest, timeout: Duration? = nil) async throws -> ValidateVolumeCapabilitiesResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ListVolumes`.
    public func listVolumes(_ request: ListVolumesRequest, timeout: Duration? = nil) async throws -> ListVolumesResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `GetCapacity`.
    public func getCapacity(_ request: GetCapacityRequest, timeout: Duration? = nil) async throws -> GetCapacityResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerGetCapabilities`.
    public func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest = .init(), timeout: Duration? = nil) async throws -> ControllerGetCapabilitiesResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `CreateSnapshot`.
    public func createSnapshot(_ request: CreateSnapshotRequest, timeout: Duration? = nil) async throws -> CreateSnapshotResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `DeleteSnapshot`.
    public func deleteSnapshot(_ request: DeleteSnapshotRequest, timeout: Duration? = nil) async throws -> DeleteSnapshotResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ListSnapshots`.
    public func listSnapshots(_ request: ListSnapshotsRequest, timeout: Duration? = nil) async throws -> ListSnapshotsResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `GetSnapshot`.
    public func getSnapshot(_ request: GetSnapshotRequest, timeout: Duration? = nil) async throws -> GetSnapshotResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerExpandVolume`.
    public func controllerExpandVolume(_ request: ControllerExpandVolumeRequest, timeout: Duration? = nil) async throws -> ControllerExpandVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerGetVolume`.
    public func controllerGetVolume(_ request: ControllerGetVolumeRequest, timeout: Duration? = nil) async throws -> ControllerGetVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `ControllerModifyVolume`.
    public func controllerModifyVolume(_ request: ControllerModifyVolumeRequest, timeout: Duration? = nil) async throws -> ControllerModifyVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeStageVolume`.
    public func nodeStageVolume(_ request: NodeStageVolumeRequest, timeout: Duration? = nil) async throws -> NodeStageVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeUnstageVolume`.
    public func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest, timeout: Duration? = nil) async throws -> NodeUnstageVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodePublishVolume`.
    public func nodePublishVolume(_ request: NodePublishVolumeRequest, timeout: Duration? = nil) async throws -> NodePublishVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeUnpublishVolume`.
    public func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest, timeout: Duration? = nil) async throws -> NodeUnpublishVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeGetVolumeStats`.
    public func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest, timeout: Duration? = nil) async throws -> NodeGetVolumeStatsResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeExpandVolume`.
    public func nodeExpandVolume(_ request: NodeExpandVolumeRequest, timeout: Duration? = nil) async throws -> NodeExpandVolumeResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeGetCapabilities`.
    public func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest = .init(), timeout: Duration? = nil) async throws -> NodeGetCapabilitiesResponse {
        try await call(request, timeout: timeout)
    }
    /// Calls `NodeGetInfo`.
    public func nodeGetInfo(_ request: NodeGetInfoRequest = .init(), timeout: Duration? = nil) async throws -> NodeGetInfoResponse {
        try await call(request, timeout: timeout)
    }
}
