import Foundation

/// Secrets passed with a request (`secrets` in CSI). Never logged or echoed; see `Redaction`.
public typealias Secrets = [String: String]

/// How a volume is accessed and by how many nodes (`VolumeCapability` in CSI).
///
/// The access type is a `oneof`: on the wire exactly one of `"mount"` or `"block"` is present.
public struct VolumeCapability: Codable, Sendable, Equatable {
    /// The `oneof access_type`.
    public enum AccessType: Sendable, Equatable {
        case block(BlockVolume)
        case mount(MountVolume)
    }
    /// Access as a raw block device (no fields today).
    public struct BlockVolume: Codable, Sendable, Equatable {
        public init() {}
    }
    /// Access through a mounted filesystem.
    public struct MountVolume: Codable, Sendable, Equatable {
        @Proto public var fsType: String
        @Proto public var mountFlags: [String]
        @Proto public var volumeMountGroup: String
        public init(fsType: String = "", mountFlags: [String] = [], volumeMountGroup: String = "") {
            self.fsType = fsType
            self.mountFlags = mountFlags
            self.volumeMountGroup = volumeMountGroup
        }
    }
    /// The access mode (`AccessMode` in CSI).
    public struct AccessMode: Codable, Sendable, Equatable {
        /// `AccessMode.Mode`, kept by name; unknown names survive a round trip.
        public struct Mode: ProtoEnum {
            public let rawValue: String
            public init(rawValue: String) { self.rawValue = rawValue }
            public static let names = [
                "UNKNOWN", "SINGLE_NODE_WRITER", "SINGLE_NODE_READER_ONLY", "MULTI_NODE_READER_ONLY",
                "MULTI_NODE_SINGLE_WRITER", "MULTI_NODE_MULTI_WRITER", "SINGLE_NODE_SINGLE_WRITER",
                "SINGLE_NODE_MULTI_WRITER",
            ]
            public static let unknown = Mode(rawValue: "UNKNOWN")
            public static let singleNodeWriter = Mode(rawValue: "SINGLE_NODE_WRITER")
            public static let singleNodeReaderOnly = Mode(rawValue: "SINGLE_NODE_READER_ONLY")
            public static let multiNodeReaderOnly = Mode(rawValue: "MULTI_NODE_READER_ONLY")
            public static let multiNodeSingleWriter = Mode(rawValue: "MULTI_NODE_SINGLE_WRITER")
            public static let multiNodeMultiWriter = Mode(rawValue: "MULTI_NODE_MULTI_WRITER")
            public static let singleNodeSingleWriter = Mode(rawValue: "SINGLE_NODE_SINGLE_WRITER")
            public static let singleNodeMultiWriter = Mode(rawValue: "SINGLE_NODE_MULTI_WRITER")
        }
        @Proto public var mode: Mode
        public init(mode: Mode = .unknown) { self.mode = mode }
    }

    /// `nil` when the sender set neither `mount` nor `block` (a validation error for most calls).
    public var accessType: AccessType?
    public var accessMode: AccessMode?

    public init(accessType: AccessType? = nil, accessMode: AccessMode? = nil) {
        self.accessType = accessType
        self.accessMode = accessMode
    }
    /// A mount capability: `VolumeCapability.mount(fsType: "ext4", mode: .singleNodeWriter)`.
    public static func mount(fsType: String = "", mountFlags: [String] = [], mode: AccessMode.Mode) -> VolumeCapability {
        VolumeCapability(accessType: .mount(MountVolume(fsType: fsType, mountFlags: mountFlags)), accessMode: AccessMode(mode: mode))
    }
    /// A block capability.
    public static func block(mode: AccessMode.Mode) -> VolumeCapability {
        VolumeCapability(accessType: .block(BlockVolume()), accessMode: AccessMode(mode: mode))
    }

    private enum CodingKeys: String, CodingKey { case block, mount, accessMode }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let mount = try c.decodeIfPresent(MountVolume.self, forKey: .mount) {
            accessType = .mount(mount)
        } else if let block = try c.decodeIfPresent(BlockVolume.self, forKey: .block) {
            accessType = .block(block)
        }
        accessMode = try c.decodeIfPresent(AccessMode.self, forKey: .accessMode)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch accessType {
        case .mount(let mount): try c.encode(mount, forKey: .mount)
        case .block(let block): try c.encode(block, forKey: .block)
        case nil: break
        }
        try c.encodeIfPresent(accessMode, forKey: .accessMode)
    }
}

/// Requested size bounds in bytes; `0` means unspecified.
public struct CapacityRange: Codable, Sendable, Equatable {
    @Proto public var requiredBytes: Int64
    @Proto public var limitBytes: Int64
    public init(requiredBytes: Int64 = 0, limitBytes: Int64 = 0) {
        self.requiredBytes = requiredBytes
        self.limitBytes = limitBytes
    }
}

/// A topology segment map, e.g. `{"topology.stowage.dev/node": "box1"}`.
public struct Topology: Codable, Sendable, Equatable {
    @Proto public var segments: [String: String]
    public init(segments: [String: String] = [:]) { self.segments = segments }
}

/// Where a volume must (`requisite`) and should preferably (`preferred`) be accessible.
public struct TopologyRequirement: Codable, Sendable, Equatable {
    @Proto public var requisite: [Topology]
    @Proto public var preferred: [Topology]
    public init(requisite: [Topology] = [], preferred: [Topology] = []) {
        self.requisite = requisite
        self.preferred = preferred
    }
}

/// What a new volume is pre-populated from: a `oneof` of `snapshot` or `volume`.
public enum VolumeContentSource: Codable, Sendable, Equatable {
    case snapshot(snapshotId: String)
    case volume(volumeId: String)

    private enum CodingKeys: String, CodingKey { case snapshot, volume }
    private struct SnapshotSource: Codable { @Proto var snapshotId: String }
    private struct VolumeSource: Codable { @Proto var volumeId: String }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let s = try c.decodeIfPresent(SnapshotSource.self, forKey: .snapshot) {
            self = .snapshot(snapshotId: s.snapshotId)
        } else if let v = try c.decodeIfPresent(VolumeSource.self, forKey: .volume) {
            self = .volume(volumeId: v.volumeId)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "volumeContentSource needs one of snapshot or volume"))
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .snapshot(let id): try c.encode(SnapshotSource(snapshotId: id), forKey: .snapshot)
        case .volume(let id): try c.encode(VolumeSource(volumeId: id), forKey: .volume)
        }
    }
}

/// A provisioned volume as the driver describes it.
public struct Volume: Codable, Sendable, Equatable {
    @Proto public var capacityBytes: Int64
    @Proto public var volumeId: String
    @Proto public var volumeContext: [String: String]
    public var contentSource: VolumeContentSource?
    @Proto public var accessibleTopology: [Topology]
    public init(capacityBytes: Int64 = 0, volumeId: String = "", volumeContext: [String: String] = [:],
                contentSource: VolumeContentSource? = nil, accessibleTopology: [Topology] = []) {
        self.capacityBytes = capacityBytes
        self.volumeId = volumeId
        self.volumeContext = volumeContext
        self.contentSource = contentSource
        self.accessibleTopology = accessibleTopology
    }
}

/// Health of a volume as seen by the driver.
public struct VolumeCondition: Codable, Sendable, Equatable {
    @Proto public var abnormal: Bool
    @Proto public var message: String
    public init(abnormal: Bool = false, message: String = "") {
        self.abnormal = abnormal
        self.message = message
    }
}

/// A snapshot as the driver describes it. `creationTime` is RFC 3339 text (proto3's `Timestamp` form).
public struct Snapshot: Codable, Sendable, Equatable {
    @Proto public var sizeBytes: Int64
    @Proto public var snapshotId: String
    @Proto public var sourceVolumeId: String
    @Proto public var creationTime: String?
    @Proto public var readyToUse: Bool
    @Proto public var groupSnapshotId: String
    public init(sizeBytes: Int64 = 0, snapshotId: String = "", sourceVolumeId: String = "",
                creationTime: String? = nil, readyToUse: Bool = false, groupSnapshotId: String = "") {
        self.sizeBytes = sizeBytes
        self.snapshotId = snapshotId
        self.sourceVolumeId = sourceVolumeId
        self.creationTime = creationTime
        self.readyToUse = readyToUse
        self.groupSnapshotId = groupSnapshotId
    }
}
