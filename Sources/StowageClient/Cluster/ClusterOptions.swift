import StowageAPI

/// What to list: Kubernetes' list query parameters.
public struct ListOptions: Sendable, Hashable {
    /// Only this namespace; nil for all namespaces (or for cluster-scoped kinds).
    public var namespace: String?
    /// A label selector in string form (`app=web,tier in (a,b)`).
    public var labelSelector: String?
    /// A field selector (`spec.nodeName=box1,status.phase!=Failed`).
    public var fieldSelector: String?
    /// Most items per page; nil or 0 for all.
    public var limit: Int?
    /// The `continue` token of the previous page.
    public var continueToken: String?

    public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
    }
}

/// What to watch: Kubernetes' watch query parameters.
public struct WatchOptions: Sendable, Hashable {
    public var namespace: String?
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Replay changes after this revision first (a list's `resourceVersion`); nil to start from now.
    public var resourceVersion: String?

    public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
    }
}

/// Options of create, update and patch.
public struct WriteOptions: Sendable, Hashable {
    /// `dryRun=All`: run admission and return the result without storing it.
    public var dryRun: Bool
    /// How to treat fields Stowage does not model (used by the HTTP server; in-process objects are typed).
    public var fieldValidation: FieldValidation

    public init(dryRun: Bool = false, fieldValidation: FieldValidation = .warn) {
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }
}

/// Kubernetes' `fieldValidation` query parameter.
public enum FieldValidation: String, Sendable, Hashable {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"
}

/// Options of delete.
public struct DeleteOptions: Sendable, Hashable {
    public var preconditionUID: String?
    public var preconditionResourceVersion: String?
    /// `propagationPolicy`: Background (default), Foreground or Orphan. Carried out by the garbage collector.
    public var propagationPolicy: String?
    public var dryRun: Bool

    public init(preconditionUID: String? = nil, preconditionResourceVersion: String? = nil, propagationPolicy: String? = nil, dryRun: Bool = false) {
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.propagationPolicy = propagationPolicy
        self.dryRun = dryRun
    }
}
