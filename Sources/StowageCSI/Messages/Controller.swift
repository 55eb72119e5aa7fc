import Foundation

/// `CreateVolume` request. `name` is the caller's idempotency key.
public struct CreateVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var name: String
    public var capacityRange: CapacityRange?
    @Proto public var volumeCapabilities: [VolumeCapability]
    @Proto public var parameters: [String: String]
    @Proto public var secrets: Secrets
    public var volumeContentSource: VolumeContentSource?
    public var accessibilityRequirements: TopologyRequirement?
    @Proto public var mutableParameters: [String: String]
    public init(name: String = "", capacityRange: CapacityRange? = nil, volumeCapabilities: [VolumeCapability] = [],
                parameters: [String: String] = [:], secrets: Secrets = [:], volumeContentSource: VolumeContentSource? = nil,
                accessibilityRequirements: TopologyRequirement? = nil, mutableParameters: [String: String] = [:]) {
        self.name = name
        self.capacityRange = capacityRange
        self.volumeCapabilities = volumeCapabilities
        self.parameters = parameters
        self.secrets = secrets
        self.volumeContentSource = volumeContentSource
        self.accessibilityRequirements = accessibilityRequirements
        self.mutableParameters = mutableParameters
    }
}

/// `CreateVolume` response.
public struct CreateVolumeResponse: Codable, Sendable, Equatable {
    public var volume: Volume?
    public init(volume: Volume? = nil) { self.volume = volume }
}

/// `DeleteVolume` request. Deleting an unknown volume is OK.
public struct DeleteVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var secrets: Secrets
    public init(volumeId: String = "", secrets: Secrets = [:]) {
        self.volumeId = volumeId
        self.secrets = secrets
    }
}

/// `DeleteVolume` response (no fields).
public struct DeleteVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `ControllerPublishVolume` request: make a volume available on a node.
public struct ControllerPublishVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var nodeId: String
    public var volumeCapability: VolumeCapability?
    @Proto public var readonly: Bool
    @Proto public var secrets: Secrets
    @Proto public var volumeContext: [String: String]
    public init(volumeId: String = "", nodeId: String = "", volumeCapability: VolumeCapability? = nil,
                readonly: Bool = false, secrets: Secrets = [:], volumeContext: [String: String] = [:]) {
        self.volumeId = volumeId
        self.nodeId = nodeId
        self.volumeCapability = volumeCapability
        self.readonly = readonly
        self.secrets = secrets
        self.volumeContext = volumeContext
    }
}

/// `ControllerPublishVolume` response: context handed to the node calls.
public struct ControllerPublishVolumeResponse: Codable, Sendable, Equatable {
    @Proto public var publishContext: [String: String]
    public init(publishContext: [String: String] = [:]) { self.publishContext = publishContext }
}

/// `ControllerUnpublishVolume` request. `nodeId` empty means every node.
public struct ControllerUnpublishVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var nodeId: String
    @Proto public var secrets: Secrets
    public init(volumeId: String = "", nodeId: String = "", secrets: Secrets = [:]) {
        self.volumeId = volumeId
        self.nodeId = nodeId
        self.secrets = secrets
    }
}

/// `ControllerUnpublishVolume` response (no fields).
public struct ControllerUnpublishVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `ValidateVolumeCapabilities` request.
public struct ValidateVolumeCapabilitiesRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var volumeContext: [String: String]
    @Proto public var volumeCapabilities: [VolumeCapability]
    @Proto public var parameters: [String: String]
    @Proto public var secrets: Secrets
    @Proto public var mutableParameters: [String: String]
    public init(volumeId: String = "", volumeContext: [String: String] = [:], volumeCapabilities: [VolumeCapability] = [],
                parameters: [String: String] = [:], secrets: Secrets = [:], mutableParameters: [String: String] = [:]) {
        self.volumeId = volumeId
        self.volumeContext = volumeContext
        self.volumeCapabilities = volumeCapabilities
        self.parameters = parameters
        self.secrets = secrets
        self.mutableParameters = mutableParameters
    }
}

/// `ValidateVolumeCapabilities` response: `confirmed` is set only when every capability is supported.
public struct ValidateVolumeCapabilitiesResponse: Codable, Sendable, Equatable {
    /// What the driver confirmed.
    public struct Confirmed: Codable, Sendable, Equatable {
        @Proto public var volumeContext: [String: String]
        @Proto public var volumeCapabilities: [VolumeCapability]
        @Proto public var parameters: [String: String]
        @Proto public var mutableParameters: [String: String]
        public init(volumeContext: [String: String] = [:], volumeCapabilities: [VolumeCapability] = [],
                    parameters: [String: String] = [:], mutableParameters: [String: String] = [:]) {
            self.volumeContext = volumeContext
            self.volumeCapabilities = volumeCapabilities
            self.parameters = parameters
            self.mutableParameters = mutableParameters
        }
    }
    public var confirmed: Confirmed?
    @Proto public var message: String
    public init(confirmed: Confirmed? = nil, message: String = "") {
        self.confirmed = confirmed
        self.message = message
    }
}

/// Status of a volume in `ListVolumes` and `ControllerGetVolume`.
public struct VolumeStatus: Codable, Sendable, Equatable {
    @Proto public var publishedNodeIds: [String]
    public var volumeCondition: VolumeCondition?
    public init(publishedNodeIds: [String] = [], volumeCondition: VolumeCondition? = nil) {
        self.publishedNodeIds = publishedNodeIds
        self.volumeCondition = volumeCondition
    }
}

/// `ListVolumes` request with pagination (`maxEntries` 0 means no limit).
public struct ListVolumesRequest: Codable, Sendable, Equatable {
    @Proto public var maxEntries: Int32
    @Proto public var startingToken: String
    public init(maxEntries: Int32 = 0, startingToken: String = "") {
        self.maxEntries = maxEntries
        self.startingToken = startingToken
    }
}

/// `ListVolumes` response; `nextToken` empty on the last page.
public struct ListVolumesResponse: Codable, Sendable, Equatable {
    /// One listed volume.
    public struct Entry: Codable, Sendable, Equatable {
        public var volume: Volume?
        public var status: VolumeStatus?
        public init(volume: Volume? = nil, status: VolumeStatus? = nil) {
            self.volume = volume
            self.status = status
        }
    }
    @Proto public var entries: [Entry]
    @Proto public var nextToken: String
    public init(entries: [Entry] = [], nextToken: String = "") {
        self.entries = entries
        self.nextToken = nextToken
    }
}

/// `ControllerGetVolume` request.
public struct ControllerGetVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    public init(volumeId: String = "") { self.volumeId = volumeId }
}

/// `ControllerGetVolume` response.
public struct ControllerGetVolumeResponse: Codable, Sendable, Equatable {
    public var volume: Volume?
    public var status: VolumeStatus?
    public init(volume: Volume? = nil, status: VolumeStatus? = nil) {
        self.volume = volume
        self.status = status
    }
}

/// `ControllerModifyVolume` request: change mutable parameters of an existing volume.
public struct ControllerModifyVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    @Proto public var secrets: Secrets
    @Proto public var mutableParameters: [String: String]
    public init(volumeId: String = "", secrets: Secrets = [:], mutableParameters: [String: String] = [:]) {
        self.volumeId = volumeId
        self.secrets = secrets
        self.mutableParameters = mutableParameters
    }
}

/// `ControllerModifyVolume` response (no fields).
public struct ControllerModifyVolumeResponse: Codable, Sendable, Equatable { public init() {} }

/// `ControllerExpandVolume` request.
public struct ControllerExpandVolumeRequest: Codable, Sendable, Equatable {
    @Proto public var volumeId: String
    public var capacityRange: CapacityRange?
    @Proto public var secrets: Secrets
    public var volumeCapability: VolumeCapability?
    public init(volumeId: String = "", capacityRange: CapacityRange? = nil, secrets: Secrets = [:],
                volumeCapability: VolumeCapability? = nil) {
        self.volumeId = volumeId
        self.capacityRange = capacityRange
        self.secrets = secrets
        self.volumeCapability = volumeCapability
    }
}

/// `ControllerExpandVolume` response: the size the volume now has.
public struct ControllerExpandVolumeResponse: Codable, Sendable, Equatable {
    @Proto public var capacityBytes: Int64
    @Proto public var nodeExpansionRequired: Bool
    public init(capacityBytes: Int64 = 0, nodeExpansionRequired: Bool = false) {
        self.capacityBytes = capacityBytes
        self.nodeExpansionRequired = nodeExpansionRequired
    }
}
