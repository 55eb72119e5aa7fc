import Foundation

/// `NodeStageVolume` request: mount a volume once per node at `stagingTargetPath` (created by the caller).
public struct NodeStageVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var publishContext: [String: String]
    @Proto public var stagingTargetPath: String
    public var volumeCapability: VolumeCapability?
    @Proto public var secrets: Secrets
    @Proto public var volumeContext: [String: String]
    public init(volumeId: String = "", publishContext: [String: String] = [:], stagingTargetPath: String = "",
                volumeCapability: VolumeCapability? = nil, secrets: Secrets = [:], volumeContext: [String: String] = [:]) {
        self.volumeId = volumeId
        self.publishContext = publishContext
        self.stagingTargetPath = stagingTargetPath
        self.volumeCapability = volumeCapability
        self.secrets = secrets
        self.volumeContext = volumeContext
    }
}

/// `NodeStageVolume` response (no fields).
public struct NodeStageVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `NodeUnstageVolume` request.
public struct NodeUnstageVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var stagingTargetPath: String
    public init(volumeId: String = "", stagingTargetPath: String = "") {
        self.volumeId = volumeId
        self.stagingTargetPath = stagingTargetPath
    }
}

/// `NodeUnstageVolume` response (no fields).
public struct NodeUnstageVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `NodePublishVolume` request: make the volume visible at `targetPath` (created by the driver).
public struct NodePublishVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var publishContext: [String: String]
    @Proto public var stagingTargetPath: String
    @Proto public var targetPath: String
    public var volumeCapability: VolumeCapability?
    @Proto public var readonly: Bool
    @Proto public var secrets: Secrets
    @Proto public var volumeContext: [String: String]
    public init(volumeId: String = "", publishContext: [String: String] = [:], stagingTargetPath: String = "",
                targetPath: String = "", volumeCapability: VolumeCapability? = nil, readonly: Bool = false,
                secrets: Secrets = [:], volumeContext: [String: String] = [:]) {
        self.volumeId = volumeId
        self.publishContext = publishContext
        self.stagingTargetPath = stagingTargetPath
        self.targetPath = targetPath
        self.volumeCapability = volumeCapability
        self.readonly = readonly
        self.secrets = secrets
        self.volumeContext = volumeContext
    }
}

/// `NodePublishVolume` response (no fields).
public struct NodePublishVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `NodeUnpublishVolume` request: undo a publish and remove `targetPath`.
public struct NodeUnpublishVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var targetPath: String
    public init(volumeId: String = "", targetPath: String = "") {
        self.volumeId = volumeId
        self.targetPath = targetPath
    }
}

/// `NodeUnpublishVolume` response (no fields).
public struct NodeUnpublishVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `NodeGetVolumeStats` request.
public struct NodeGetVolumeStatsRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var volumePath: String
    @Proto public var stagingTargetPath: String
    public init(volumeId: String = "", volumePath: String = "", stagingTargetPath: String = "") {
        self.volumeId = volumeId
        self.volumePath = volumePath
        self.stagingTargetPath = stagingTargetPath
    }
}

/// Usage figures for one unit (`VolumeUsage`).
public struct VolumeUsage: Codable, Sendable, Equatable {
    /// `VolumeUsage.Unit`.
    public struct Unit: ProtoEnum {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let names = ["UNKNOWN", "BYTES", "INODES"]
        public static let unknown = Unit(rawValue: "UNKNOWN")
        public static let bytes = Unit(rawValue: "BYTES")
        public static let inodes = Unit(rawValue: "INODES")
    }
    @Proto public var available: Int64
    @Proto public var total: Int64
    @Proto public var used: Int64
    @Proto public var unit: Unit
    public init(available: Int64 = 0, total: Int64 = 0, used: Int64 = 0, unit: Unit = .unknown) {
        self.available = available
        self.total = total
        self.used = used
        self.unit = unit
    }
}

/// `NodeGetVolumeStats` response.
public struct NodeGetVolumeStatsResponse: Codable, Sendable, Equatable {
    @Proto public var usage: [VolumeUsage]
    public var volumeCondition: VolumeCondition?
    public init(usage: [VolumeUsage] = [], volumeCondition: VolumeCondition? = nil) {
        self.usage = usage
        self.volumeCondition = volumeCondition
    }
}

/// `NodeExpandVolume` request.
public struct NodeExpandVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var volumePath: String
    public var capacityRange: CapacityRange?
    @Proto public var stagingTargetPath: String
    public var volumeCapability: VolumeCapability?
    @Proto public var secrets: Secrets
    public init(volumeId: String = "", volumePath: String = "", capacityRange: CapacityRange? = nil,
                stagingTargetPath: String = "", volumeCapability: VolumeCapability? = nil, secrets: Secrets = [:]) {
        self.volumeId = volumeId
        self.volumePath = volumePath
        self.capacityRange = capacityRange
        self.stagingTargetPath = stagingTargetPath
        self.volumeCapability = volumeCapability
        self.secrets = secrets
    }
}

/// `NodeExpandVolume` response.
public struct NodeExpandVolumeResponse: Codable, Sendable, Equatable {
    @Proto public var capacityBytes: Int64
    public init(capacityBytes: Int64 = 0) { self.capacityBytes = capacityBytes }
}

/// `NodeGetCapabilities` request (no fields).
public struct NodeGetCapabilitiesRequest: Codable, Sendable, Equatable { public init() {} }

/// One node capability (`NodeServiceCapability`); its `oneof` has the single member `rpc`.
public struct NodeServiceCapability: Codable, Sendable, Equatable {
    /// `NodeServiceCapability.RPC.Type`.
    public struct RPCType: ProtoEnum {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let names = [
            "UNKNOWN", "STAGE_UNSTAGE_VOLUME", "GET_VOLUME_STATS", "EXPAND_VOLUME", "VOLUME_CONDITION",
            "SINGLE_NODE_MULTI_WRITER", "VOLUME_MOUNT_GROUP",
        ]
        public static let unknown = RPCType(rawValue: "UNKNOWN")
        public static let stageUnstageVolume = RPCType(rawValue: "STAGE_UNSTAGE_VOLUME")
        public static let getVolumeStats = RPCType(rawValue: "GET_VOLUME_STATS")
        public static let expandVolume = RPCType(rawValue: "EXPAND_VOLUME")
        public static let volumeCondition = RPCType(rawValue: "VOLUME_CONDITION")
        public static let singleNodeMultiWriter = RPCType(rawValue: "SINGLE_NODE_MULTI_WRITER")
        public static let volumeMountGroup = RPCType(rawValue: "VOLUME_MOUNT_GROUP")
    }
    /// The `rpc` member.
    public struct RPC: Codable, Sendable, Equatable {
        @Proto public var type: RPCType
        public init(type: RPCType = .unknown) { self.type = type }
    }
    public var rpc: RPC?
    public init(rpc: RPC? = nil) { self.rpc = rpc }
    /// Shorthand: `.rpc(.stageUnstageVolume)`.
    public static func rpc(_ type: RPCType) -> NodeServiceCapability { .init(rpc: RPC(type: type)) }
}

/// `NodeGetCapabilities` response.
public struct NodeGetCapabilitiesResponse: Codable, Sendable, Equatable {
    @Proto public var capabilities: [NodeServiceCapability]
    public init(capabilities: [NodeServiceCapability] = []) { self.capabilities = capabilities }
    /// Whether `type` is advertised.
    public func has(_ type: NodeServiceCapability.RPCType) -> Bool { capabilities.contains { $0.rpc?.type == type } }
}

/// `NodeGetInfo` request (no fields).
public struct NodeGetInfoRequest: Codable, Sendable, Equatable { public init() {} }

/// `NodeGetInfo` response: the node id the controller side uses, a volume limit (0 = none), topology.
public struct NodeGetInfoResponse: Codable, Sendable, Equatable {
    @Proto public var nodeId: String
    @Proto public var maxVolumesPerNode: Int64
    public var accessibleTopology: Topology?
    public init(nodeId: String = "", maxVolumesPerNode: Int64 = 0, accessibleTopology: Topology? = nil) {
        self.nodeId = nodeId
        self.maxVolumesPerNode = maxVolumesPerNode
        self.accessibleTopology = accessibleTopology
    }
}
