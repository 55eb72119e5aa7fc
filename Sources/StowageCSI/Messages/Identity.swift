import Foundation

/// `GetPluginInfo` request (no fields).
public struct GetPluginInfoRequest: Codable, Sendable, Equatable { public init() {} }

/// `GetPluginInfo` response: the driver's name (3–63 characters, domain-name style) and version.
public struct GetPluginInfoResponse: Codable, Sendable, Equatable {
    @Proto public var name: String
    @Proto public var vendorVersion: String
    @Proto public var manifest: [String: String]
    public init(name: String = "", vendorVersion: String = "", manifest: [String: String] = [:]) {
        self.name = name
        self.vendorVersion = vendorVersion
        self.manifest = manifest
    }
}

/// `GetPluginCapabilities` request (no fields).
public struct GetPluginCapabilitiesRequest: Codable, Sendable, Equatable { public init() {} }

/// One plugin capability: a `oneof` of `service` or `volumeExpansion`.
public enum PluginCapability: Codable, Sendable, Equatable {
    /// `PluginCapability.Service.Type`.
    public struct ServiceType: ProtoEnum {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let names = [
            "UNKNOWN", "CONTROLLER_SERVICE", "VOLUME_ACCESSIBILITY_CONSTRAINTS", "GROUP_CONTROLLER_SERVICE",
            "SNAPSHOT_METADATA_SERVICE",
        ]
        public static let unknown = ServiceType(rawValue: "UNKNOWN")
        public static let controllerService = ServiceType(rawValue: "CONTROLLER_SERVICE")
        public static let volumeAccessibilityConstraints = ServiceType(rawValue: "VOLUME_ACCESSIBILITY_CONSTRAINTS")
        public static let groupControllerService = ServiceType(rawValue: "GROUP_CONTROLLER_SERVICE")
        public static let snapshotMetadataService = ServiceType(rawValue: "SNAPSHOT_METADATA_SERVICE")
    }
    /// `PluginCapability.VolumeExpansion.Type`.
    public struct VolumeExpansionType: ProtoEnum {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let names = ["UNKNOWN", "ONLINE", "OFFLINE"]
        public static let unknown = VolumeExpansionType(rawValue: "UNKNOWN")
        public static let online = VolumeExpansionType(rawValue: "ONLINE")
        public static let offline = VolumeExpansionType(rawValue: "OFFLINE")
    }

    case service(ServiceType)
    case volumeExpansion(VolumeExpansionType)
    /// A capability kind this version does not know (kept so that a newer driver does not fail decoding).
    case unknown

    private enum CodingKeys: String, CodingKey { case service, volumeExpansion }
    private struct Typed<T: ProtoValue>: Codable { @Proto var type: T }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let s = try c.decodeIfPresent(Typed<ServiceType>.self, forKey: .service) {
            self = .service(s.type)
        } else if let e = try c.decodeIfPresent(Typed<VolumeExpansionType>.self, forKey: .volumeExpansion) {
            self = .volumeExpansion(e.type)
        } else {
            self = .unknown
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .service(let t): try c.encode(Typed(type: t), forKey: .service)
        case .volumeExpansion(let t): try c.encode(Typed(type: t), forKey: .volumeExpansion)
        case .unknown: break
        }
    }
}

/// `GetPluginCapabilities` response.
public struct GetPluginCapabilitiesResponse: Codable, Sendable, Equatable {
    @Proto public var capabilities: [PluginCapability]
    public init(capabilities: [PluginCapability] = []) { self.capabilities = capabilities }
}

/// `Probe` request (no fields).
public struct ProbeRequest: Codable, Sendable, Equatable { public init() {} }

/// `Probe` response. `ready` is a wrapper (`BoolValue`): `nil` (absent) means ready, as in CSI.
public struct ProbeResponse: Codable, Sendable, Equatable {
    @Proto public var ready: Bool?
    public init(ready: Bool? = nil) { self.ready = ready }
}
