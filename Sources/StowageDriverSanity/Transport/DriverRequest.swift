import StowageCSI

/// A protocol request message with its method name and response type, so a check writes
/// `try await context.ok(CreateVolumeRequest(...))` and gets a `CreateVolumeResponse` back.
protocol DriverRequest: Encodable, Sendable {
    associatedtype Response: Decodable & Sendable
    /// The bare CSI RPC name used as the JSON-RPC `method`.
    static var method: String { get }
}

extension GetPluginInfoRequest: DriverRequest {
    typealias Response = GetPluginInfoResponse
    static var method: String { "GetPluginInfo" }
}
extension GetPluginCapabilitiesRequest: DriverRequest {
    typealias Response = GetPluginCapabilitiesResponse
    static var method: String { "GetPluginCapabilities" }
}
extension ProbeRequest: DriverRequest {
    typealias Response = ProbeResponse
    static var method: String { "Probe" }
}
extension CreateVolumeRequest: DriverRequest {
    typealias Response = CreateVolumeResponse
    static var method: String { "CreateVolume" }
}
extension DeleteVolumeRequest: DriverRequest {
    typealias Response = DeleteVolumeResponse
    static var method: String { "DeleteVolume" }
}
extension ControllerPublishVolumeRequest: DriverRequest {
    typealias Response = ControllerPublishVolumeResponse
    static var method: String { "ControllerPublishVolume" }
}
extension ControllerUnpublishVolumeRequest: DriverRequest {
    typealias Response = ControllerUnpublishVolumeResponse
    static var method: String { "ControllerUnpublishVolume" }
}
extension ValidateVolumeCapabilitiesRequest: DriverRequest {
    typealias Response = ValidateVolumeCapabilitiesResponse
    static var method: String { "ValidateVolumeCapabilities" }
}
extension ListVolumesRequest: DriverRequest {
    typealias Response = ListVolumesResponse
    static var method: String { "ListVolumes" }
}
extension GetCapacityRequest: DriverRequest {
    typealias Response = GetCapacityResponse
    static var method: String { "GetCapacity" }
}
extension ControllerGetCapabilitiesRequest: DriverRequest {
    typealias Response = ControllerGetCapabilitiesResponse
    static var method: String { "ControllerGetCapabilities" }
}
extension ControllerExpandVolumeRequest: DriverRequest {
    typealias Response = ControllerExpandVolumeResponse
    static var method: String { "ControllerExpandVolume" }
}
extension ControllerGetVolumeRequest: DriverRequest {
    typealias Response = ControllerGetVolumeResponse
    static var method: String { "ControllerGetVolume" }
}
extension CreateSnapshotRequest: DriverRequest {
    typealias Response = CreateSnapshotResponse
    static var method: String { "CreateSnapshot" }
}
extension DeleteSnapshotRequest: DriverRequest {
    typealias Response = DeleteSnapshotResponse
    static var method: String { "DeleteSnapshot" }
}
extension ListSnapshotsRequest: DriverRequest {
    typealias Response = ListSnapshotsResponse
    static var method: String { "ListSnapshots" }
}
extension NodeStageVolumeRequest: DriverRequest {
    typealias Response = NodeStageVolumeResponse
    static var method: String { "NodeStageVolume" }
}
extension NodeUnstageVolumeRequest: DriverRequest {
    typealias Response = NodeUnstageVolumeResponse
    static var method: String { "NodeUnstageVolume" }
}
extension NodePublishVolumeRequest: DriverRequest {
    typealias Response = NodePublishVolumeResponse
    static var method: String { "NodePublishVolume" }
}
extension NodeUnpublishVolumeRequest: DriverRequest {
    typealias Response = NodeUnpublishVolumeResponse
    static var method: String { "NodeUnpublishVolume" }
}
extension NodeGetVolumeStatsRequest: DriverRequest {
    typealias Response = NodeGetVolumeStatsResponse
    static var method: String { "NodeGetVolumeStats" }
}
extension NodeGetCapabilitiesRequest: DriverRequest {
    typealias Response = NodeGetCapabilitiesResponse
    static var method: String { "NodeGetCapabilities" }
}
extension NodeGetInfoRequest: DriverRequest {
    typealias Response = NodeGetInfoResponse
    static var method: String { "NodeGetInfo" }
}
