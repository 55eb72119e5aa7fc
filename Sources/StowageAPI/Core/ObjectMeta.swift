/// Standard object metadata, with Kubernetes' field names. `managedFields` is accepted and ignored.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: Timestamp?
    public var deletionTimestamp: Timestamp?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var finalizers: [String]?
    public var ownerReferences: [OwnerReference]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil,
        finalizers: [String]? = nil, ownerReferences: [OwnerReference]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.finalizers = finalizers
        self.ownerReferences = ownerReferences
    }

    /// Whether a deletion has been requested (the object waits for its finalizers).
    public var isBeingDeleted: Bool { deletionTimestamp != nil }

    /// Whether `finalizers` contains `finalizer`.
    public func hasFinalizer(_ finalizer: String) -> Bool { finalizers?.contains(finalizer) ?? false }

    /// Adds `finalizer` unless present. Returns whether it changed anything.
    @discardableResult
    public mutating func addFinalizer(_ finalizer: String) -> Bool {
        if hasFinalizer(finalizer) { return false }
        finalizers = (finalizers ?? []) + [finalizer]
        return true
    }

    /// Removes `finalizer`. Returns whether it changed anything.
    @discardableResult
    public mutating func removeFinalizer(_ finalizer: String) -> Bool {
        guard let list = finalizers, list.contains(finalizer) else { return false }
        let rest = list.filter { $0 != finalizer }
        finalizers = rest.isEmpty ? nil : rest
        return true
    }

    /// The annotation `key`, if set.
    public func annotation(_ key: String) -> String? { annotations?[key] }

    /// The label `key`, if set.
    public func label(_ key: String) -> String? { labels?[key] }

    /// The controller owner reference (`controller: true`), if any.
    public var controllerReference: OwnerReference? { ownerReferences?.first { $0.controller == true } }

    /// Values for the metadata field selectors every kind supports.
    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "metadata.name": return name ?? ""
        case "metadata.namespace": return namespace ?? ""
        default: return nil
        }
    }
}

/// A reference from a dependent object to its owner, used by garbage collection.
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}
