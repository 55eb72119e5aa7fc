import Foundation

/// Every method of protocol version 1 (`method` on the wire is the bare CSI RPC name).
public enum CSIMethod: String, CaseIterable, Sendable, Hashable {
    // Identity
    case getPluginInfo = "GetPluginInfo"
    case getPluginCapabilities = "GetPluginCapabilities"
    case probe = "Probe"
    // Controller
    case createVolume = "CreateVolume"
    case deleteVolume = "DeleteVolume"
    case controllerPublishVolume = "ControllerPublishVolume"
    case controllerUnpublishVolume = "ControllerUnpublishVolume"
    case validateVolumeCapabilities = "ValidateVolumeCapabilities"
    case listVolumes = "ListVolumes"
    case getCapacity = "GetCapacity"
    case controllerGetCapabilities = "ControllerGetCapabilities"
    case createSnapshot = "CreateSnapshot"
    case deleteSnapshot = "DeleteSnapshot"
    case listSnapshots = "ListSnapshots"
    case getSnapshot = "GetSnapshot"
    case controllerExpandVolume = "ControllerExpandVolume"
    case controllerGetVolume = "ControllerGetVolume"
    case controllerModifyVolume = "ControllerModifyVolume"
    // Node
    case nodeStageVolume = "NodeStageVolume"
    case nodeUnstageVolume = "NodeUnstageVolume"
    case nodePublishVolume = "NodePublishVolume"
    case nodeUnpublishVolume = "NodeUnpublishVolume"
    case nodeGetVolumeStats = "NodeGetVolumeStats"
    case nodeExpandVolume = "NodeExpandVolume"
    case nodeGetCapabilities = "NodeGetCapabilities"
    case nodeGetInfo = "NodeGetInfo"
}

/// A request message, tied to its method name and response type. Every request type of the protocol conforms.
public protocol CSIRequest: Codable, Sendable, Equatable {
    /// The response message type of this RPC.
    associatedtype Response: Codable, Sendable, Equatable
    /// The method name this request is sent under.
    static var method: CSIMethod { get }
}

/// Requests that carry a `secrets` map; used to scrub secret values from messages and logs.
public protocol CSIRequestWithSecrets: CSIRequest {
    var secrets: Secrets { get }
}

extension GetPluginInfoRequest: CSIRequest { public typealias Response = GetPluginInfoResponse; public static var method: CSIMethod { .getPluginInfo } }
extension GetPluginCapabilitiesRequest: CSIRequest { public typealias Response = GetPluginCapabilitiesResponse; public static var method: CSIMethod { .getPluginCapabilities } }
extension ProbeRequest: CSIRequest { public typealias Response = ProbeResponse; public static var method: CSIMethod { .probe } }
extension CreateVolumeRequest: CSIRequestWithSecrets { public typealias Response = CreateVolumeResponse; public static var method: CSIMethod { .createVolume } }
extension DeleteVolumeRequest: CSIRequestWithSecrets { public typealias Response = DeleteVolumeResponse; public static var method: CSIMethod { .deleteVolume } }
extension ControllerPublishVolumeRequest: CSIRequestWithSecrets { public typealias Response = ControllerPublishVolumeResponse; public static var method: CSIMethod { .controllerPublishVolume } }
extension ControllerUnpublishVolumeRequest: CSIRequestWithSecrets { public typealias Response = ControllerUnpublishVolumeResponse; public static var method: CSIMethod { .controllerUnpublishVolume } }
extension ValidateVolumeCapabilitiesRequest: CSIRequestWithSecrets { public typealias Response = ValidateVolumeCapabilitiesResponse; public static var method: CSIMethod { .validateVolumeCapabilities } }
extension ListVolumesRequest: CSIRequest { public typealias Response = ListVolumesResponse; public static var method: CSIMethod { .listVolumes } }
extension GetCapacityRequest: CSIRequest { public typealias Response = GetCapacityResponse; public static var method: CSIMethod { .getCapacity } }
extension ControllerGetCapabilitiesRequest: CSIRequest { public typealias Response = ControllerGetCapabilitiesResponse; public static var method: CSIMethod { .controllerGetCapabilities } }
extension CreateSnapshotRequest: CSIRequestWithSecrets { public typealias Response = CreateSnapshotResponse; public static var method: CSIMethod { .createSnapshot } }
extension DeleteSnapshotRequest: CSIRequestWithSecrets { public typealias Response = DeleteSnapshotResponse; public static var method: CSIMethod { .deleteSnapshot } }
extension ListSnapshotsRequest: CSIRequestWithSecrets { public typealias Response = ListSnapshotsResponse; public static var method: CSIMethod { .listSnapshots } }
extension GetSnapshotRequest: CSIRequestWithSecrets { public typealias Response = GetSnapshotResponse; public static var method: CSIMethod { .getSnapshot } }
extension ControllerExpandVolumeRequest: CSIRequestWithSecrets { public typealias Response = ControllerExpandVolumeResponse; public static var method: CSIMethod { .controllerExpandVolume } }
extension ControllerGetVolumeRequest: CSIRequest { public typealias Response = ControllerGetVolumeResponse; public static var method: CSIMethod { .controllerGetVolume } }
extension ControllerModifyVolumeRequest: CSIRequestWithSecrets { public typealias Response = ControllerModifyVolumeResponse; public static var method: CSIMethod { .controllerModifyVolume } }
extension NodeStageVolumeRequest: CSIRequestWithSecrets { public typealias Response = NodeStageVolumeResponse; public static var method: CSIMethod { .nodeStageVolume } }
extension NodeUnstageVolumeRequest: CSIRequest { public typealias Response = NodeUnstageVolumeResponse; public static var method: CSIMethod { .nodeUnstageVolume } }
extension NodePublishVolumeRequest: CSIRequestWithSecrets { public typealias Response = NodePublishVolumeResponse; public static var method: CSIMethod { .nodePublishVolume } }
extension NodeUnpublishVolumeRequest: CSIRequest { public typealias Response = NodeUnpublishVolumeResponse; public static var method: CSIMethod { .nodeUnpublishVolume } }
extension NodeGetVolumeStatsRequest: CSIRequest { public typealias Response = NodeGetVolumeStatsResponse; public static var method: CSIMethod { .nodeGetVolumeStats } }
extension NodeExpandVolumeRequest: CSIRequestWithSecrets { public typealias Response = NodeExpandVolumeResponse; public static var method: CSIMethod { .nodeExpandVolume } }
extension NodeGetCapabilitiesRequest: CSIRequest { public typealias Response = NodeGetCapabilitiesResponse; public static var method: CSIMethod { .nodeGetCapabilities } }
extension NodeGetInfoRequest: CSIRequest { public typealias Response = NodeGetInfoResponse; public static var method: CSIMethod { .nodeGetInfo } }
