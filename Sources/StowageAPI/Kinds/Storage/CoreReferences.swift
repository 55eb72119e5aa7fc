/// References between objects, shared by the storage kinds, Events and pod volumes.

/// Kubernetes' `ObjectReference`: enough to find one object (a PersistentVolume's `claimRef`, an Event's
/// `involvedObject`).
public struct ObjectReference: Codable, Sendable, Hashable {
    /// Kind of the referent (`PersistentVolumeClaim`).
    public var kind: String?
    /// Namespace of the referent; empty or absent for cluster-scoped objects.
    public var namespace: String?
    /// Name of the referent.
    public var name: String?
    /// UID of the referent, pinning one incarnation of the name.
    public var uid: String?
    /// API version of the referent (`v1`).
    public var apiVersion: String?
    /// The referent's resourceVersion when the reference was made.
    public var resourceVersion: String?
    /// A field within the referent (`spec.containers{app}`), for references to part of an object.
    public var fieldPath: String?

    public init(
        kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil,
        apiVersion: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.apiVersion = apiVersion
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object`, carrying its kind, apiVersion, namespace, name, uid and resourceVersion.
    public init<T: APIObject>(to object: T) {
        self.init(
            kind: T.resource.kind, namespace: object.metadata.namespace, name: object.metadata.name,
            uid: object.metadata.uid, apiVersion: T.resource.apiVersion,
            resourceVersion: object.metadata.resourceVersion)
    }
}

/// Kubernetes' `TypedLocalObjectReference`: an object in the same namespace, named by API group, kind and name
/// (a claim's `dataSource`). A nil `apiGroup` means the core group.
public struct TypedLocalObjectReference: Codable, Sendable, Hashable {
    public var apiGroup: String?
    public var kind: String?
    public var name: String?

    public init(apiGroup: String? = nil, kind: String? = nil, name: String? = nil) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

/// Kubernetes' `TypedObjectReference`: like ``TypedLocalObjectReference`` with an optional namespace (a claim's
/// `dataSourceRef`).
public struct TypedObjectReference: Codable, Sendable, Hashable {
    public var apiGroup: String?
    public var kind: String?
    public var name: String?
    /// The referent's namespace; absent means the referring object's namespace.
    public var namespace: String?

    public init(apiGroup: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }
}

/// Kubernetes' `SecretReference`: a Secret named by name and namespace (CSI secret references).
public struct SecretReference: Codable, Sendable, Hashable {
    public var name: String?
    public var namespace: String?

    public init(name: String? = nil, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}
