import StowageAPI
import StowageStore

/// The in-process ``Cluster``: admission (defaults, validation, namespace lifecycle) in front of a ``Store``.
/// Components in the `stowage serve` process use it directly; the HTTP server runs the same admission for
/// remote clients.
public struct LocalCluster: Cluster {
    /// The store behind this cluster.
    public let store: Store

    /// How many times a patch is re-applied when the object changes underneath it.
    static let patchAttempts = 5

    /// Wraps `store`. Call ``bootstrap()`` once per process to create the objects every cluster has.
    public init(store: Store) {
        self.store = store
    }

    /// Creates the `default` and `kube-system` namespaces when missing, as every Kubernetes cluster has them
    /// (idempotent).
    public func bootstrap() async throws {
        for name in ["default", "kube-system"] where try await getIfPresent(Namespace.self, ObjectKey(name: name)) == nil {
            do {
                _ = try await create(Namespace(metadata: ObjectMeta(name: name)))
            } catch let error as APIError where error.reason == .alreadyExists {
                continue
            }
        }
    }

    public func get<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T {
        try await store.get(type, Admission.scoped(key, for: type))
    }

    public func list<T: APIObject>(_ type: T.Type, _ options: ListOptions) async throws -> ObjectList<T> {
        let filter: (@Sendable (T) -> Bool)? = try SelectorFilter.make(T.self, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        return try await store.list(type, StoreListOptions(
            namespace: T.resource.namespaced ? options.namespace : nil, limit: options.limit,
            continueToken: options.continueToken, filter: filter))
    }

    public func watch<T: APIObject>(_ type: T.Type, _ options: WatchOptions) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let filter: (@Sendable (T) -> Bool)? = try SelectorFilter.make(T.self, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        let revision = try Admission.revision(options.resourceVersion)
        return try await store.watch(type, StoreWatchOptions(
            namespace: T.resource.namespaced ? options.namespace : nil, resourceVersion: revision, filter: filter))
    }

    /// Watches as ``watch(_:_:)`` does, handing `receiver` one committed batch per call on the store's committer
    /// thread (see ``Store/watch(_:_:receiver:)``). Throws for a bad selector or resourceVersion; every later
    /// failure, an expired resourceVersion included, reaches `receiver`'s `end`.
    public func watch<T: APIObject>(_ type: T.Type, _ options: WatchOptions, receiver: WatchReceiver<T>) async throws -> WatchSubscription {
        let filter: (@Sendable (T) -> Bool)? = try SelectorFilter.make(T.self, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector)
        let revision = try Admission.revision(options.resourceVersion)
        return await store.watch(type, StoreWatchOptions(
            namespace: T.resource.namespaced ? options.namespace : nil, resourceVersion: revision, filter: filter), receiver: receiver)
    }

    public func create<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        let object = try await admitCreate(object)
        if options.dryRun { return object }
        return try await store.create(object)
    }

    private func admitCreate<T: APIObject>(_ object: T) async throws -> T {
        var object = object
        Admission.normalizeNamespace(&object)
        try await Admission.requireLiveNamespace(of: object, in: self)
        try await Admission.mutateOnCreate(&object, in: self)
        object.applyDefaults()
        try Admission.validate(object)
        return object
    }

    public func update<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        var (object, old) = try await prepareUpdate(object)
        object.applyDefaults()
        try Admission.validateUpdate(object, from: old)
        try await Admission.admitResize(object, from: old, in: self)
        if options.dryRun { return object }
        return try await store.update(object)
    }

    public func updateStatus<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        let (object, old) = try await prepareUpdate(object)
        var merged = old
        merged.takeStatus(from: object)
        try Admission.validateUpdate(merged, from: old)
        if options.dryRun { return merged }
        return try await store.updateStatus(object)
    }

    public var replacesTogetherAtomically: Bool { true }

    /// Both objects through the same admission as ``update(_:options:)``, then one store transaction.
    public func replaceTogether<A: APIObject, B: APIObject>(_ first: A, _ second: B) async throws -> (A, B) {
        let first = try await admitWhole(first)
        let second = try await admitWhole(second)
        return try await store.replaceTogether(first, second)
    }

    /// `created` through the admission of ``create(_:options:)`` and `replaced` through that of
    /// ``update(_:options:)``, then one store transaction.
    public func createAndReplace<A: APIObject, B: APIObject>(_ created: A, _ replaced: B) async throws -> (A, B) {
        let created = try await admitCreate(created)
        let replaced = try await admitWhole(replaced)
        return try await store.createAndReplace(created, replaced)
    }

    private func admitWhole<T: APIObject>(_ object: T) async throws -> T {
        var (object, old) = try await prepareUpdate(object)
        object.applyDefaults()
        try Admission.validateUpdate(object, from: old)
        try await Admission.admitResize(object, from: old, in: self)
        return object
    }

    /// Normalizes the namespace, reads the stored copy, and pins an unpinned update to the stored
    /// resourceVersion, so the write fails with Conflict rather than land on a version validation never saw.
    private func prepareUpdate<T: APIObject>(_ object: T) async throws -> (object: T, old: T) {
        var object = object
        Admission.normalizeNamespace(&object)
        let old = try await store.get(T.self, ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? ""))
        if let expected = object.metadata.resourceVersion, !expected.isEmpty, expected != old.metadata.resourceVersion {
            // Stale: a conflict, as the store would say, before validation compares it with a version it never saw.
            throw APIError.conflict(T.resource, object.metadata.name ?? "")
        }
        if object.metadata.resourceVersion == nil { object.metadata.resourceVersion = old.metadata.resourceVersion }
        return (object, old)
    }

    public func patch<T: APIObject>(_ type: T.Type, _ key: ObjectKey, _ patch: Patch, options: WriteOptions) async throws -> T {
        let key = Admission.scoped(key, for: type)
        var attempt = 0
        while true {
            attempt += 1
            let current = try await store.get(type, key)
            let patched = try patch.apply(to: try APICodec.tree(current), kind: T.resource.kind)
            var object: T
            do {
                object = try APICodec.decode(type, from: patched).object
            } catch {
                throw APIError(.invalid, "\(T.resource.kind) \"\(key.name)\" is invalid: \(error.description)",
                               group: T.resource.group, kind: T.resource.kind, name: key.name)
            }
            let pinned = object.metadata.resourceVersion == current.metadata.resourceVersion
            if object.metadata.resourceVersion == nil { object.metadata.resourceVersion = current.metadata.resourceVersion }
            do {
                return try await update(object, options: options)
            } catch let error as APIError where error.reason == .conflict && pinned && attempt < Self.patchAttempts {
                continue
            }
        }
    }

    public func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, options: DeleteOptions) async throws -> DeleteOutcome<T> {
        let key = Admission.scoped(key, for: type)
        if options.dryRun {
            let current = try await store.get(type, key)
            return (current.metadata.finalizers ?? []).isEmpty ? .deleted(current) : .pending(current)
        }
        if let finalizer = Self.propagationFinalizer(options.propagationPolicy) {
            // Foreground and Orphan are carried out by the garbage collector, which removes this finalizer when done.
            // Adding it is this server's own read-modify-write: a concurrent write (a controller's status update)
            // makes it read again, as Kubernetes' GuaranteedUpdate does, instead of failing the user's delete.
            for attempt in 1...Self.patchAttempts {
                var current = try await store.get(type, key)
                if let uid = options.preconditionUID, uid != current.metadata.uid {
                    throw APIError.conflict(T.resource, key.name)
                }
                guard !current.metadata.isBeingDeleted, !current.metadata.hasFinalizer(finalizer) else { break }
                current.metadata.finalizers = (current.metadata.finalizers ?? []) + [finalizer]
                do {
                    _ = try await store.update(current)
                    break
                } catch let error as APIError where error.reason == .conflict && attempt < Self.patchAttempts {
                    continue
                }
            }
        }
        return try await store.delete(type, key, preconditions: DeletePreconditions(
            uid: options.preconditionUID, resourceVersion: options.preconditionResourceVersion))
    }

    /// The finalizer Kubernetes' API server adds for a propagation policy (`foregroundDeletion`, `orphan`).
    static func propagationFinalizer(_ policy: String?) -> String? {
        switch policy {
        case "Foreground": return "foregroundDeletion"
        case "Orphan": return "orphan"
        default: return nil
        }
    }
}
