import StowageAPI
import StowageStore

/// Everything a Stowage component may do with the API: typed get, list, watch, create, update, status update,
/// patch and delete for every kind. Controllers, the node agent and the CLI talk to the API only through this
/// protocol, so the in-process implementation (``LocalCluster``) and the HTTP one are interchangeable.
///
/// Errors are ``APIError``s with Kubernetes' reasons (NotFound, AlreadyExists, Conflict, Invalid, Expired, …).
public protocol Cluster: Sendable {
    /// Reads one object.
    func get<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T

    /// Lists objects, optionally filtered by namespace and selectors, one page at a time.
    func list<T: APIObject>(_ type: T.Type, _ options: ListOptions) async throws -> ObjectList<T>

    /// Watches a kind from a revision (or from now). The stream ends with ``APIError`` Expired when the revision
    /// is too old or the watcher fell behind; callers then relist.
    func watch<T: APIObject>(_ type: T.Type, _ options: WatchOptions) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error>

    /// Creates an object after defaulting and validation.
    func create<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T

    /// Replaces an object (compare-and-swap when it carries a resourceVersion). The stored status is kept for
    /// kinds with a status subresource.
    func update<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T

    /// Replaces only the status of an object.
    func updateStatus<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T

    /// Applies a patch to the current object and stores the result (retrying internal conflicts).
    func patch<T: APIObject>(_ type: T.Type, _ key: ObjectKey, _ patch: Patch, options: WriteOptions) async throws -> T

    /// Deletes an object, or marks it for deletion when it has finalizers.
    func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, options: DeleteOptions) async throws -> DeleteOutcome<T>

    /// Writes two objects wholly (metadata, spec and status), `first` before `second`. ``LocalCluster`` does it
    /// in one transaction (both or neither); a remote cluster as the four writes a Kubernetes client makes
    /// (update, then status, for each in turn), so a caller must cope with a partial result, as the binder does.
    func replaceTogether<A: APIObject, B: APIObject>(_ first: A, _ second: B) async throws -> (A, B)

    /// Whether ``replaceTogether(_:_:)`` is one transaction (both compare-and-swap checks before either write).
    var replacesTogetherAtomically: Bool { get }

    /// Creates `created`, then writes `replaced` wholly. ``LocalCluster`` does it in one transaction (both or
    /// neither); a remote cluster as a create followed by the writes of ``replaceTogether(_:_:)``.
    func createAndReplace<A: APIObject, B: APIObject>(_ created: A, _ replaced: B) async throws -> (A, B)
}

extension Cluster {
    public var replacesTogetherAtomically: Bool { false }

    public func replaceTogether<A: APIObject, B: APIObject>(_ first: A, _ second: B) async throws -> (A, B) {
        (try await replaceWhole(first), try await replaceWhole(second))
    }

    public func createAndReplace<A: APIObject, B: APIObject>(_ created: A, _ replaced: B) async throws -> (A, B) {
        (try await create(created), try await replaceWhole(replaced))
    }

    /// `update` (a no-op when nothing but the status changed), then `updateStatus` when the status differs.
    private func replaceWhole<T: APIObject>(_ object: T) async throws -> T {
        let written = try await update(object)
        var withStatus = written
        withStatus.takeStatus(from: object)
        return withStatus == written ? written : try await updateStatus(withStatus)
    }

    /// Lists every object of a kind (all pages).
    public func listAll<T: APIObject>(_ type: T.Type, namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil) async throws -> [T] {
        var options = ListOptions(namespace: namespace, labelSelector: labelSelector, fieldSelector: fieldSelector)
        var items: [T] = []
        while true {
            let page = try await list(type, options)
            items += page.items
            guard let token = page.continueToken else { return items }
            options.continueToken = token
        }
    }

    public func create<T: APIObject>(_ object: T) async throws -> T { try await create(object, options: WriteOptions()) }
    public func update<T: APIObject>(_ object: T) async throws -> T { try await update(object, options: WriteOptions()) }
    public func updateStatus<T: APIObject>(_ object: T) async throws -> T { try await updateStatus(object, options: WriteOptions()) }
    public func patch<T: APIObject>(_ type: T.Type, _ key: ObjectKey, _ patch: Patch) async throws -> T {
        try await self.patch(type, key, patch, options: WriteOptions())
    }
    @discardableResult
    public func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> DeleteOutcome<T> {
        try await delete(type, key, options: DeleteOptions())
    }
    public func watch<T: APIObject>(_ type: T.Type) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        try await watch(type, WatchOptions())
    }

    /// Reads one object, or nil when it does not exist.
    public func getIfPresent<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T? {
        do {
            return try await get(type, key)
        } catch let error as APIError where error.reason == .notFound {
            return nil
        }
    }
}
