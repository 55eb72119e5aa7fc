/// A Kubernetes object kind that Stowage models: typed, Codable with Kubernetes' JSON field names, and able to
/// default and validate itself.
///
/// Conforming types declare their fields as optionals (Kubernetes' `omitempty`) and do not declare `apiVersion`
/// or `kind`: ``APICodec`` writes those from ``resource`` and checks them on decoding.
public protocol APIObject: Codable, Sendable, Equatable {
    /// Where this kind lives in the API.
    static var resource: APIResource { get }

    /// Standard object metadata.
    var metadata: ObjectMeta { get set }

    /// Fills unset fields with Kubernetes' defaults. Called on create and update before validation.
    mutating func applyDefaults()

    /// Validates a new object. Returns every problem found, each with its field path.
    func validate() -> [FieldError]

    /// Validates an update of `old` into `self` (immutable fields, allowed transitions), in addition to
    /// ``validate()``, which the caller runs separately.
    func validateUpdate(from old: Self) -> [FieldError]

    /// Whether the desired state (`spec`, or its equivalent) differs from `old`'s. The store increases
    /// `metadata.generation` when it does.
    func specDiffers(from old: Self) -> Bool

    /// Replaces this object's status with `other`'s. Used to keep the stored status on a main-resource update and
    /// to take only the status on a `status` subresource update. Kinds without status do nothing.
    mutating func takeStatus(from other: Self)

    /// The value of a field that field selectors may name (`metadata.name`, `spec.nodeName`, …), or nil when
    /// this kind does not support selecting on it.
    func fieldValue(_ path: String) -> String?
}

extension APIObject {
    public mutating func applyDefaults() {}
    public func validate() -> [FieldError] { ObjectMetaValidation.validate(metadata, namespaced: Self.resource.namespaced) }
    public func validateUpdate(from old: Self) -> [FieldError] { ObjectMetaValidation.validateUpdate(metadata, old: old.metadata) }
    public func specDiffers(from old: Self) -> Bool { false }
    public mutating func takeStatus(from other: Self) {}
    public func fieldValue(_ path: String) -> String? { metadata.fieldValue(path) }

    /// The object's `apiVersion`.
    public var apiVersion: String { Self.resource.apiVersion }
    /// The object's `kind`.
    public var kind: String { Self.resource.kind }
    /// `namespace/name` for namespaced kinds, `name` for cluster-scoped ones.
    public var key: String { ObjectKey(namespace: metadata.namespace, name: metadata.name ?? "").description }
}

/// Identifies an object within its kind: namespace (nil for cluster-scoped kinds) and name.
public struct ObjectKey: Sendable, Hashable, CustomStringConvertible, Comparable {
    public var namespace: String?
    public var name: String

    public init(namespace: String? = nil, name: String) {
        self.namespace = (namespace?.isEmpty ?? true) ? nil : namespace
        self.name = name
    }

    /// Parses `namespace/name` or `name`.
    public init(_ string: String) {
        if let slash = string.firstIndex(of: "/") {
            self.init(namespace: String(string[..<slash]), name: String(string[string.index(after: slash)...]))
        } else {
            self.init(name: string)
        }
    }

    public var description: String { namespace.map { "\($0)/\(name)" } ?? name }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
