import Foundation

/// `GetCapacity` request.
public struct GetCapacityRequest: Codable, Sendable, Equatable {
    @Proto public var volumeCapabilities: [VolumeCapability]
    @Proto public var parameters: [String: String]
    public var accessibleTopology: Topology?
    public init(volumeCapabilities: [VolumeCapability] = [], parameters: [String: String] = [:],
                accessibleTopology: Topology? = nil) {
        self.volumeCapabilities = volumeCapabilities
        self.parameters = parameters
        self.accessibleTopology = accessibleTopology
    }
}

/// `GetCapacity` response. The size bounds are wrappers (`Int64Value`): `nil` means not reported.
public struct GetCapacityResponse: Codable, Sendable, Equatable {
    @Proto public var availableCapacity: Int64
    @Proto public var maximumVolumeSize: Int64?
    @Proto public var minimumVolumeSize: Int64?
    public init(availableCapacity: Int64 = 0, maximumVolumeSize: Int64? = nil, minimumVolumeSize: Int64? = nil) {
        self.availableCapacity = availableCapacity
        self.maximumVolumeSize = maximumVolumeSize
        self.minimumVolumeSize = minimumVolumeSize
    }
}

/// `ControllerGetCapabilities` request (no fields).
public struct ControllerGetCapabilitiesRequest: Codable, Sendable, Equatable { public init() {} }

/// One controller capability (`ControllerServiceCapability`); its `oneof` has the single member `rpc`.
public struct ControllerServiceCapability: Codable, Sendable, Equatable {
    /// `ControllerServiceCapability.RPC.Type`.
    public struct RPCType: ProtoEnum {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let names = [
            "UNKNOWN", "CREATE_DELETE_VOLUME", "PUBLISH_UNPUBLISH_VOLUME", "LIST_VOLUMES", "GET_CAPACITY",
            "CREATE_DELETE_SNAPSHOT", "LIST_SNAPSHOTS", "CLONE_VOLUME", "PUBLISH_READONLY", "EXPAND_VOLUME",
            "LIST_VOLUMES_PUBLISHED_NODES", "VOLUME_CONDITION", "GET_VOLUME", "SINGLE_NODE_MULTI_WRITER",
            "MODIFY_VOLUME", "GET_SNAPSHOT",
        ]
        public static let unknown = RPCType(rawValue: "UNKNOWN")
        public static let createDeleteVolume = RPCType(rawValue: "CREATE_DELETE_VOLUME")
        public static let publishUnpublishVolume = RPCType(rawValue: "PUBLISH_UNPUBLISH_VOLUME")
        public static let listVolumes = RPCType(rawValue: "LIST_VOLUMES")
        public static let getCapacity = RPCType(rawValue: "GET_CAPACITY")
        public static let createDeleteSnapshot = RPCType(rawValue: "CREATE_DELETE_SNAPSHOT")
        public static let listSnapshots = RPCType(rawValue: "LIST_SNAPSHOTS")
        public static let cloneVolume = RPCType(rawValue: "CLONE_VOLUME")
        public static let publishReadonly = RPCType(rawValue: "PUBLISH_READONLY")
        public static let expandVolume = RPCType(rawValue: "EXPAND_VOLUME")
        public static let listVolumesPublishedNodes = RPCType(rawValue: "LIST_VOLUMES_PUBLISHED_NODES")
        public static let volumeCondition = RPCType(rawValue: "VOLUME_CONDITION")
        public static let getVolume = RPCType(rawValue: "GET_VOLUME")
        public static let singleNodeMultiWriter = RPCType(rawValue: "SINGLE_NODE_MULTI_WRITER")
        public static let modifyVolume = RPCType(rawValue: "MODIFY_VOLUME")
        public static let getSnapshot = RPCType(rawValue: "GET_SNAPSHOT")
    }
    /// The `rpc` member.
    public struct RPC: Codable, Sendable, Equatable {
        @Proto public var type: RPCType
        public init(type: RPCType = .unknown) { self.type = type }
    }
    public var rpc: RPC?
    public init(rpc: RPC? = nil) { self.rpc = rpc }
    /// Shorthand: `.rpc(.createDeleteVolume)`.
    public static func rpc(_ type: RPCType) -> ControllerServiceCapability { .init(rpc: RPC(type: type)) }
}

/// `ControllerGetCapabilities` response.
public struct ControllerGetCapabilitiesResponse: Codable, Sendable, Equatable {
    @Proto public var capabilities: [ControllerServiceCapability]
    public init(capabilities: [ControllerServiceCapability] = []) { self.capabilities = capabilities }
    /// Whether `type` is advertised.
    public func has(_ type: ControllerServiceCapability.RPCType) -> Bool { capabilities.contains { $0.rpc?.type == type } }
}
