import Logging
import StowageAPI
import StowageStore
import Synchronization

/// A change the informer saw, after its cache was updated.
public enum InformerEvent<T: APIObject>: Sendable {
    case added(T)
    case updated(old: T, new: T)
    case deleted(T)

    /// The object after the change (for a deletion: its last state).
    public var object: T {
        switch self {
        case .added(let object), .deleted(let object): return object
        case .updated(_, let new): return new
        }
    }
}

/// Keeps a local, indexed copy of every object of one kind: lists, then watches from the list's revision,
/// relisting when the watch expires or fails. Handlers run after the cache has changed, in event order, on the
/// informer's own task, so a handler should only enqueue work (for example a key into a ``WorkQueue``).
///
/// A controller reads from the cache (``get(_:)``, ``list()``, ``byIndex(_:_:)``) and never trusts it across
/// restarts: the cache is rebuilt by listing.
public final class Informer<T: APIObject>: Sendable {
    /// A function from an object to the index values it is filed under.
    public typealias IndexFunction = @Sendable (T) -> [String]

    private struct State {
        /// Boxed: a dictionary keeps a quarter to a half of its buckets empty, and a bucket holding the object
        /// inline is as large as the object's struct (a PersistentVolume's is over 700 bytes).
        var objects: [ObjectKey: CachedObject<T>] = [:]
        var indexes: [String: [String: Set<ObjectKey>]] = [:]
        var handlers: [@Sendable (InformerEvent<T>) -> Void] = []
        var synced = false
        var syncWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
        var lastRevision: String?
    }

    private let cluster: any Cluster
    private let namespace: String?
    private let indexFunctions: [String: IndexFunction]
    private let state = Mutex(State())
    private let logger: Logger
    private let retryBackoff: Backoff

    /// - Parameters:
    ///   - cluster: where to list and watch.
    ///   - namespace: only this namespace; nil for all.
    ///   - indexes: named index functions (e.g. claims by `spec.volumeName`, pods by node).
    public init(cluster: any Cluster, namespace: String? = nil, indexes: [String: IndexFunction] = [:],
                retryBackoff: Backoff = Backoff(base: .milliseconds(100), maximum: .seconds(10)),
                logger: Logger = Logger(label: "stowage.informer")) {
        self.cluster = cluster
        self.namespace = namespace
        self.indexFunctions = indexes
        self.retryBackoff = retryBackoff
        var logger = logger
        logger[metadataKey: "kind"] = "\(T.resource.kind)"
        self.logger = logger
    }

    /// Registers a handler for changes. Handlers added after the first sync do not see the initial adds; add
    /// them before ``run()``.
    public func addHandler(_ handler: @escaping @Sendable (InformerEvent<T>) -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// Lists and watches until the task is cancelled. Errors are logged and retried with backoff.
    public func run() async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let revision = try await relist()
                failures = 0
                try await watch(from: revision)
            } catch is CancellationError {
                return
            } catch let error as APIError where error.reason == .expired || error.reason == .gone {
                logger.debug("watch expired, relisting", metadata: ["reason": "\(error.message)"])
            } catch {
                if Task.isCancelled { return }
                logger.warning("list/watch failed, retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: retryBackoff.delay(afterFailures: failures))
                failures += 1
            }
        }
    }

    /// Waits until the first list has been loaded into the cache, or the task is cancelled (check
    /// ``hasSynced`` then).
    public func waitForSync() async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.synced || Task.isCancelled { return true }
                    state.syncWaiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.syncWaiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Whether the first list has been loaded.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The revision of the last change the cache reflects.
    public var lastSyncedRevision: String? { state.withLock { $0.lastRevision } }

    /// The cached object with `key`.
    public func get(_ key: ObjectKey) -> T? { state.withLock { $0.objects[key]?.object } }

    /// Every cached object, in key order.
    public func list() -> [T] {
        state.withLock { state in state.objects.sorted { $0.key < $1.key }.map(\.value.object) }
    }

    /// Cached objects filed under `value` in the index `name`, in key order.
    public func byIndex(_ name: String, _ value: String) -> [T] {
        state.withLock { state in
            (state.indexes[name]?[value] ?? []).sorted().compactMap { state.objects[$0]?.object }
        }
    }

    private func relist() async throws -> Int64? {
        var options = ListOptions(namespace: namespace)
        var items: [T] = []
        var revision = ""
        while true {
            let page = try await cluster.list(T.self, options)
            items += page.items
            revision = page.resourceVersion
            guard let token = page.continueToken else { break }
            options.continueToken = token
        }
        replaceAll(items, revision: revision)
        return Int64(revision)
    }

    private func watch(from revision: Int64?) async throws {
        let stream = try await cluster.watch(T.self, WatchOptions(namespace: namespace, resourceVersion: revision.map(String.init)))
        for try await event in stream {
            apply(event)
        }
    }

    // MARK: - Cache maintenance

    private static func key(of object: T) -> ObjectKey {
        ObjectKey(namespace: T.resource.namespaced ? object.metadata.namespace : nil, name: object.metadata.name ?? "")
    }

    /// Replaces the cache with a fresh list, telling handlers what changed since the previous contents.
    private func replaceAll(_ items: [T], revision: String) {
        let (events, handlers, waiters) = state.withLock { state in
            var events: [InformerEvent<T>] = []
            var fresh: [ObjectKey: CachedObject<T>] = [:]
            fresh.reserveCapacity(items.count)
            for item in items { fresh[Self.key(of: item)] = CachedObject(item) }
            for (key, old) in state.objects where fresh[key] == nil {
                unindex(old.object, key: key, in: &state)
                events.append(.deleted(old.object))
            }
            for item in items {
                let key = Self.key(of: item)
                if let old = state.objects[key]?.object {
                    if old.metadata.resourceVersion != item.metadata.resourceVersion {
                        unindex(old, key: key, in: &state)
                        index(item, key: key, in: &state)
                        events.append(.updated(old: old, new: item))
                    }
                } else {
                    index(item, key: key, in: &state)
                    events.append(.added(item))
                }
            }
            state.objects = fresh
            state.lastRevision = revision
            state.synced = true
            let waiters = Array(state.syncWaiters.values)
            state.syncWaiters.removeAll()
            return (events, state.handlers, waiters)
        }
        for event in events { for handler in handlers { handler(event) } }
        for waiter in waiters { waiter.resume() }
    }

    /// Applies one watch event to the cache and tells the handlers.
    private func apply(_ event: WatchEvent<T>) {
        let key = Self.key(of: event.object)
        let (change, handlers) = state.withLock { state -> (InformerEvent<T>?, [@Sendable (InformerEvent<T>) -> Void]) in
            state.lastRevision = String(event.revision)
            let old = state.objects[key]?.object
            if let old { unindex(old, key: key, in: &state) }
            switch event.type {
            case .deleted:
                state.objects[key] = nil
                return (.deleted(old ?? event.object), state.handlers)
            case .added, .modified:
                state.objects[key] = CachedObject(event.object)
                index(event.object, key: key, in: &state)
                return (old.map { .updated(old: $0, new: event.object) } ?? .added(event.object), state.handlers)
            }
        }
        if let change { for handler in handlers { handler(change) } }
    }

    private func index(_ object: T, key: ObjectKey, in state: inout State) {
        for (name, function) in indexFunctions {
            for value in function(object) { state.indexes[name, default: [:]][value, default: []].insert(key) }
        }
    }

    private func unindex(_ object: T, key: ObjectKey, in state: inout State) {
        for (name, function) in indexFunctions {
            for value in function(object) {
                state.indexes[name]?[value]?.remove(key)
                if state.indexes[name]?[value]?.isEmpty == true { state.indexes[name]?[value] = nil }
            }
        }
    }
}

/// One cached object, boxed (see `Informer.State.objects`). Immutable: a change replaces the box.
private final class CachedObject<T: APIObject>: Sendable {
    let object: T
    init(_ object: T) { self.object = object }
}
