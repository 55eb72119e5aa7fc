import Foundation
import GRDB
import StowageAPI

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
        let resource = T.resource.storageKey
        let namespace = options.namespace.flatMap { T.resource.namespaced && !$0.isEmpty ? $0 : nil }
        let (stream, continuation) = AsyncThrowingStream<WatchEvent<T>, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(max(1, self.options.watchBufferLimit)))
        let watcher = Watcher<T>(continuation: continuation, namespace: namespace, filter: options.filter,
                                 bufferLimit: max(1, self.options.watchBufferLimit))
        if isClosed {
            watcher.end(StoreError.closed)
            return stream
        }
        let id = hub.add(resource: resource, watcher)
        let hub = self.hub
        continuation.onTermination = { _ in hub.remove(resource: resource, id: id) }

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
            watcher.end(error)
            return stream
        }
        watcher.start(backlog: start.backlog, after: start.after)
        return stream
    }
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
