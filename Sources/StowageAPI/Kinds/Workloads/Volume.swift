/// A volume of a pod (`spec.volumes[*]`): a name and exactly one source. Sources Stowage does not model
/// (configMap, secret, projected, ...) are not decoded; their keys are kept in ``unsupportedSources`` so
/// validation can say why such a volume is refused.
public struct Volume: Codable, Sendable, Hashable {
    public var name: String?
    public var hostPath: HostPathVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    public var csi: CSIVolumeSource?
    public var ephemeral: EphemeralVolumeSource?
    /// The keys of sources present in the decoded JSON that Stowage does not model (`configMap`, `nfs`, ...).
    /// Never encoded.
    public var unsupportedSources: [String] = []

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case name, hostPath, emptyDir, persistentVolumeClaim, csi, ephemeral
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        hostPath = try container.decodeIfPresent(HostPathVolumeSource.self, forKey: .hostPath)
        emptyDir = try container.decodeIfPresent(EmptyDirVolumeSource.self, forKey: .emptyDir)
        persistentVolumeClaim = try container.decodeIfPresent(PersistentVolumeClaimVolumeSource.self, forKey: .persistentVolumeClaim)
        csi = try container.decodeIfPresent(CSIVolumeSource.self, forKey: .csi)
        ephemeral = try container.decodeIfPresent(EphemeralVolumeSource.self, forKey: .ephemeral)
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let all = try decoder.container(keyedBy: AnyKey.self)
        unsupportedSources = all.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
    }

    public init(
        name: String? = nil, hostPath: HostPathVolumeSource? = nil, emptyDir: EmptyDirVolumeSource? = nil,
        persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil, csi: CSIVolumeSource? = nil,
        ephemeral: EphemeralVolumeSource? = nil
    ) {
        self.name = name
        self.hostPath = hostPath
        self.emptyDir = emptyDir
        self.persistentVolumeClaim = persistentVolumeClaim
        self.csi = csi
        self.ephemeral = ephemeral
    }

    /// A volume backed by the claim `claimName` in the pod's namespace.
    public static func claim(_ name: String, claimName: String, readOnly: Bool? = nil) -> Volume {
        Volume(name: name, persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: claimName, readOnly: readOnly))
    }

    /// A scratch directory that lives as long as the pod.
    public static func emptyDir(_ name: String, medium: String? = nil, sizeLimit: Quantity? = nil) -> Volume {
        Volume(name: name, emptyDir: EmptyDirVolumeSource(medium: medium, sizeLimit: sizeLimit))
    }

    /// The name of the claim this volume uses: `claimName` for a `persistentVolumeClaim` volume, and
    /// `<pod>-<volume>` for an `ephemeral` one. Nil for other sources.
    public func claimName(podName: String) -> String? {
        if let claim = persistentVolumeClaim { return claim.claimName }
        if ephemeral != nil, let name { return "\(podName)-\(name)" }
        return nil
    }
}

/// `persistentVolumeClaim`: a claim in the pod's namespace.
public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Hashable {
    public var claimName: String?
    public var readOnly: Bool?
    public init(claimName: String? = nil, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}

/// `emptyDir`: a scratch directory created for the pod and removed with it.
public struct EmptyDirVolumeSource: Codable, Sendable, Hashable {
    /// `""` (the node's disk, the default), `Memory` (tmpfs) or `HugePages`; see ``Medium``.
    public var medium: String?
    public var sizeLimit: Quantity?
    public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }

    /// Known values of `medium`.
    public enum Medium {
        public static let `default` = ""
        public static let memory = "Memory"
        public static let hugePages = "HugePages"
    }
}

/// `csi`: an inline (ephemeral) volume served by a CSI driver.
public struct CSIVolumeSource: Codable, Sendable, Hashable {
    public var driver: String?
    public var readOnly: Bool?
    public var fsType: String?
    public var volumeAttributes: [String: String]?
    public var nodePublishSecretRef: LocalObjectReference?
    public init(
        driver: String? = nil, readOnly: Bool? = nil, fsType: String? = nil, volumeAttributes: [String: String]? = nil,
        nodePublishSecretRef: LocalObjectReference? = nil
    ) {
        self.driver = driver
        self.readOnly = readOnly
        self.fsType = fsType
        self.volumeAttributes = volumeAttributes
        self.nodePublishSecretRef = nodePublishSecretRef
    }
}

/// A reference to an object by name in the same namespace.
public struct LocalObjectReference: Codable, Sendable, Hashable {
    public var name: String?
    public init(name: String? = nil) { self.name = name }
}

/// `ephemeral`: a claim created for the pod from `volumeClaimTemplate` (named `<pod>-<volume>`) and deleted with it.
public struct EphemeralVolumeSource: Codable, Sendable, Hashable {
    public var volumeClaimTemplate: PersistentVolumeClaimTemplate?
    public init(volumeClaimTemplate: PersistentVolumeClaimTemplate? = nil) { self.volumeClaimTemplate = volumeClaimTemplate }
}

/// The claim an `ephemeral` volume creates: labels and annotations for it, and its spec.
public struct PersistentVolumeClaimTemplate: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PersistentVolumeClaimSpec?
    public init(metadata: ObjectMeta? = nil, spec: PersistentVolumeClaimSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}
