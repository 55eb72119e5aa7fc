import Foundation
import GRDB
import StowageAPI
import Synchronization

extension Store {
    /// Watches a kind. With `options.resourceVersion` set, first replays every change after that revision, then
    /// streams live changes; without it, streams changes after the current revision. Events come in revision
    /// order, each once. The stream ends with ``APIError`` Expired when the revision was compacted
    /// (`too old resource version: 5 (120)`) or when more than ``StoreOptions/watchBufferLimit`` events are left
    /// unconsumed; it ends normally when the store closes. Cancelling the consuming task ends the watch and
    /// unregisters it.
    ///
    /// The watch registers with the hub *before* reading the backlog, so no change falls between backlog and
    /// live stream; duplicates are dropped by revision.
    public func watch<T: APIObject>(_ type: T.Type, _ options: StoreWatchOptions<T> = StoreWatchOptions()) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let limit = max(1, self.options.watchBufferLimit)
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream(bufferingPolicy: .bufferingOldest(limit))
        let receiver = WatchReceiver<T>(events: { events in
            for event in events {
                if case .dropped = continuation.yield(event) { return false }
            }
            return true
        }, end: { error in
            continuation.finish(throwing: error)
        })
        let subscription = await watch(type, options, receiver: receiver)
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }

    /// Watches a kind as ``watch(_:_:)`` does, handing events to `receiver` one committed batch per call instead
    /// of through a stream: for a consumer that writes batches out (the API server's watch responses), with no
    /// task in between. `receiver.events` runs on the store's committer thread and must return quickly; it
    /// returns false when its consumer has fallen too far behind, which ends the watch with ``APIError``
    /// Expired. `receiver.end` is called once, when the watch ends for any reason other than
    /// ``WatchSubscription/cancel()``. Errors opening the watch (an expired resourceVersion, a closed store)
    /// arrive through `receiver.end` too. The watch lives as long as the returned subscription: dropping it
    /// cancels the watch.
    public func watch<T: APIObject>(_ type: T.Type, _ options: StoreWatchOptions<T>, receiver: WatchReceiver<T>) async -> WatchSubscription {
        let resource = T.resource.storageKey
        let namespace = options.namespace.flatMap { T.resource.namespaced && !$0.isEmpty ? $0 : nil }
        let hub = self.hub
        let id = hub.reserveID()
        // A watch that ends (overflow, a decode failure, the store closing) leaves the hub at once, not when its
        // consumer gets round to cancelling: the committer stops delivering to it and `watcherCount` is right.
        let unregistering = WatchReceiver<T>(events: receiver.events, end: { error in
            hub.remove(resource: resource, id: id)
            receiver.end(error)
        })
        let watcher = Watcher<T>(receiver: unregistering, namespace: namespace, filter: options.filter,
                                 bufferLimit: max(1, self.options.watchBufferLimit))
        if isClosed {
            watcher.end(StoreError.closed)
            return WatchSubscription {}
        }
        hub.add(resource: resource, id: id, watcher)
        let subscription = WatchSubscription { hub.remove(resource: resource, id: id) }

        let since = options.resourceVersion
        let withPrevious = options.filter != nil
        let start: (backlog: [ChangeRecord], after: Int64)
        do {
            start = try await read("read the \(resource) backlog of a watch") { db in
                let current = try StoreQueries.currentRevision(db)
                guard let since else { return ([], current) }
                let compacted = try StoreQueries.compactedRevision(db)
                if since < compacted {
                    throw APIError.expired("too old resource version: \(since) (\(compacted))")
                }
                return (try Backlog.read(db, resource: resource, namespace: namespace, after: since, withPrevious: withPrevious), since)
            }
        } catch {
            subscription.cancel()
            watcher.end(error)
            return subscription
        }
        watcher.start(backlog: start.backlog, after: start.after)
        return subscription
    }
}

/// Where a watch's events go: see ``Store/watch(_:_:receiver:)``.
public struct WatchReceiver<T: APIObject>: Sendable {
    let events: @Sendable ([WatchEvent<T>]) -> Bool
    let end: @Sendable ((any Error)?) -> Void

    /// `events` takes one batch (in revision order; false: the consumer is too far behind, end the watch);
    /// `end` is told how the watch ended (nil: the store closed).
    public init(events: @escaping @Sendable ([WatchEvent<T>]) -> Bool, end: @escaping @Sendable ((any Error)?) -> Void) {
        self.events = events
        self.end = end
    }
}

/// A running watch started with ``Store/watch(_:_:receiver:)``.
public final class WatchSubscription: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    /// Stops the watch: no batch is handed over once this returns, except one the committer is delivering at
    /// that moment. Safe to call more than once; called when the subscription is released.
    public func cancel() {
        onCancel.withLock { action -> (@Sendable () -> Void)? in
            defer { action = nil }
            return action
        }?()
    }

    deinit { cancel() }
}

/// Reads changes after a revision from the log, for a watch's replay.
enum Backlog {
    static func read(_ db: Database, resource: String, namespace: String?, after revision: Int64, withPrevious: Bool) throws -> [ChangeRecord] {
        var sql = withPrevious
            ? "SELECT c.revision, c.namespace, c.name, c.type, c.data, c.prev_revision, p.data FROM changes c LEFT JOIN changes p ON p.revision = c.prev_revision"
            : "SELECT c.revision, c.namespace, c.name, c.type, c.data, c.prev_revision, NULL FROM changes c"
        sql += " WHERE c.revision > ? AND c.resource = ?"
        var arguments: StatementArguments = [revision, resource]
        if let namespace {
            sql += " AND c.namespace = ?"
            _ = arguments.append(contentsOf: [namespace])
        }
        sql += " ORDER BY c.revision"
        var changes: [ChangeRecord] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let typeName: String = row[3]
            guard let type = ChangeType(rawValue: typeName) else {
                throw StoreError.database(operation: "read the change log", underlying: "revision \(row[0] as Int64) has unknown type \(typeName)")
            }
            changes.append(ChangeRecord(revision: row[0], resource: resource, namespace: row[1], name: row[2], type: type,
                                        data: row[4], previous: row[6], previousRevision: row[5]))
        }
        return changes
    }
}
