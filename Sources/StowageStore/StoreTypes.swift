import StowageAPI

/// Tuning of a ``Store``.
public struct StoreOptions: Sendable {
    /// SQLite `synchronous` setting. `.full` (default): an acknowledged write survives power loss.
    public enum Synchronous: String, Sendable { case full = "FULL", normal = "NORMAL", off = "OFF" }

    public var synchronous: Synchronous = .full
    /// Compaction keeps at least this many of the newest revisions in the log.
    public var retainedRevisions: Int64 = 10_000
    /// Compaction never removes changes younger than this.
    public var retainedAge: Duration = .seconds(300)
    /// How often automatic compaction runs; nil turns it off.
    public var compactionInterval: Duration? = .seconds(60)
    /// Events a watcher may have undelivered before it is ended with Expired.
    public var watchBufferLimit: Int = 10_000
    /// Decoded objects kept in memory so reads skip decoding objects that did not change (0 turns it off).
    public var decodedObjectCacheLimit: Int = 200_000

    public init() {}
}

/// What to list.
public struct StoreListOptions<T: APIObject>: Sendable {
    /// Only this namespace; nil for all.
    public var namespace: String?
    /// Most items to return; nil or 0 for all.
    public var limit: Int?
    /// The `continue` token of the previous page.
    public var continueToken: String?
    /// Only objects for which this returns true (label and field selectors).
    public var filter: (@Sendable (T) -> Bool)?

    public init(namespace: String? = nil, limit: Int? = nil, continueToken: String? = nil, filter: (@Sendable (T) -> Bool)? = nil) {
        self.namespace = namespace
        self.limit = limit
        self.continueToken = continueToken
        self.filter = filter
    }
}

/// A page of a list: the items, the revision the list is consistent at, and a token for the next page.
public struct ObjectList<T: APIObject>: Sendable {
    public var items: [T]
    /// The revision this list (all its pages) reflects, as Kubernetes' `metadata.resourceVersion`.
    public var resourceVersion: String
    /// Token for the next page; nil when this is the last.
    public var continueToken: String?
    /// How many more items matched after this page, when known.
    public var remainingItemCount: Int?

    public init(items: [T], resourceVersion: String, continueToken: String? = nil, remainingItemCount: Int? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }
}

/// What to watch.
public struct StoreWatchOptions<T: APIObject>: Sendable {
    /// Only this namespace; nil for all.
    public var namespace: String?
    /// Replay changes after this revision first; nil to start from now.
    public var resourceVersion: Int64?
    /// Only objects for which this returns true. An object that stops matching is reported DELETED, one that
    /// starts matching ADDED, as Kubernetes does.
    public var filter: (@Sendable (T) -> Bool)?

    public init(namespace: String? = nil, resourceVersion: Int64? = nil, filter: (@Sendable (T) -> Bool)? = nil) {
        self.namespace = namespace
        self.resourceVersion = resourceVersion
        self.filter = filter
    }
}

/// One change seen by a watch.
public struct WatchEvent<T: APIObject>: Sendable {
    public enum EventType: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    public var type: EventType
    /// The object after the change (for DELETED: its last state, with the deletion's revision).
    public var object: T
    /// The change's revision.
    public var revision: Int64

    public init(type: EventType, object: T, revision: Int64) {
        self.type = type
        self.object = object
        self.revision = revision
    }
}

/// Conditions a delete must meet.
public struct DeletePreconditions: Sendable, Hashable {
    public var uid: String?
    public var resourceVersion: String?
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// The result of a delete.
public enum DeleteOutcome<T: APIObject>: Sendable {
    /// The object is gone; this was its last state.
    case deleted(T)
    /// The object has finalizers; it now carries `deletionTimestamp` and stays until they are removed.
    case pending(T)

    public var object: T {
        switch self {
        case .deleted(let object), .pending(let object): return object
        }
    }
}

/// Failures of the store itself (as opposed to ``APIError``s about objects).
public enum StoreError: Error, Sendable, CustomStringConvertible {
    /// Another process holds the state directory.
    case locked(directory: String, holderPID: Int32?)
    /// SQLite or the file system failed.
    case database(operation: String, underlying: String)
    /// The store was closed; no more writes are accepted.
    case closed

    public var description: String {
        switch self {
        case .locked(let directory, let pid):
            return "state directory \(directory) is in use by another stowage process" + (pid.map { " (pid \($0))" } ?? "")
        case .database(let operation, let underlying): return "store: \(operation) failed: \(underlying)"
        case .closed: return "store: the store is closed"
        }
    }
}
