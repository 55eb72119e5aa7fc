/// A namespace (core/v1). Cluster-scoped; holds namespaced objects.
public struct Namespace: APIObject {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false,
        shortNames: ["ns"], hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(metadata: ObjectMeta, spec: NamespaceSpec? = nil, status: NamespaceStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public mutating func applyDefaults() {
        if status?.phase == nil { status = NamespaceStatus(phase: "Active") }
    }

    public func specDiffers(from old: Namespace) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: Namespace) { status = other.status }

    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "status.phase": return status?.phase ?? ""
        default: return metadata.fieldValue(path)
        }
    }
}

/// `Namespace.spec`.
public struct NamespaceSpec: Codable, Sendable, Hashable {
    public var finalizers: [String]?
    public init(finalizers: [String]? = nil) { self.finalizers = finalizers }
}

/// `Namespace.status`.
public struct NamespaceStatus: Codable, Sendable, Hashable {
    /// `Active` or `Terminating`.
    public var phase: String?
    public init(phase: String? = nil) { self.phase = phase }
}

extension Namespace {
    public func validate() -> [FieldError] {
        ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Label)
    }
}
