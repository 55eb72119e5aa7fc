import Foundation
import GRDB
import StowageAPI

extension Store {
    /// Lists objects of a kind in key order (namespace, name), consistent at one revision R across pages: the
    /// first page reads the current state at R; later pages (``StoreListOptions/continueToken``) read the state
    /// at R from the change log (or from the current state when nothing of this kind changed since R), so the
    /// union of all pages is the state at R whatever was written meanwhile. `resourceVersion` of every page is R.
    /// `remainingItemCount` is set when there is no filter.
    /// - Throws: ``APIError`` Expired when the token's revision was compacted; BadRequest for a malformed token.
    public func list<T: APIObject>(_ type: T.Type, _ options: StoreListOptions<T> = StoreListOptions()) async throws -> ObjectList<T> {
        let resource = T.resource.storageKey
        let namespace = options.namespace.flatMap { T.resource.namespaced && !$0.isEmpty ? $0 : nil }
        let limit = (options.limit ?? 0) > 0 ? options.limit : nil
        let token = try options.continueToken.map(ContinueToken.decode)
        let filter = options.filter
        let cache = objectCache
        return try await read("list \(resource)") { db in
            let revision: Int64
            let fromLog: Bool
            if let token {
                let compacted = try StoreQueries.compactedRevision(db)
                if token.revision < compacted {
                    throw APIError.expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
                }
                revision = token.revision
                fromLog = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM changes WHERE revision > ? AND resource = ?)",
                                            arguments: [revision, resource]) ?? false
            } else {
                revision = try StoreQueries.currentRevision(db)
                fromLog = false
            }
            let query = ListQuery(resource: resource, namespace: namespace, after: token?.key, revision: revision, fromLog: fromLog)
            let cursor = try Row.fetchCursor(db, sql: query.sql, arguments: query.arguments)
            // Rows are read and decoded in chunks (objects unchanged since the last read come from the cache); a
            // chunk is as big as the page can use (limit + 1 without a filter), so a small page decodes little.
            let chunkSize = filter == nil ? (limit.map { $0 + 1 } ?? Int.max) : Swift.max(256, limit.map { $0 + 1 } ?? 0)
            var items: [T] = []
            var lastKey: (String, String)?
            var more = false
            scan: while true {
                var chunk: [StoredRow] = []
                while chunk.count < chunkSize, let row = try cursor.next() {
                    if fromLog, (row[4] as String) == ChangeType.deleted.rawValue { continue }
                    chunk.append(StoredRow(namespace: row[0], name: row[1], revision: row[2], data: row[3]))
                }
                if chunk.isEmpty { break }
                let objects = try cache.decode(T.self, resource: resource, chunk)
                for (row, object) in zip(chunk, objects) {
                    if let limit, items.count == limit {
                        more = true
                        break scan
                    }
                    if let filter, !filter(object) { continue }
                    items.append(object)
                    lastKey = (row.namespace, row.name)
                }
                if chunk.count < chunkSize { break }
            }
            var next: String?
            var remaining: Int?
            if more, let lastKey {
                next = try ContinueToken(revision: revision, namespace: lastKey.0, name: lastKey.1).encode()
                if filter == nil, !fromLog {
                    let after = ListQuery(resource: resource, namespace: namespace, after: lastKey, revision: revision, fromLog: false)
                    remaining = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (\(after.sql))", arguments: after.arguments)
                }
            }
            return ObjectList(items: items, resourceVersion: String(revision), continueToken: next, remainingItemCount: remaining)
        }
    }
}

/// The SQL of one list page: columns namespace, name, revision, data, type; in key order after `after`.
struct ListQuery {
    var sql: String
    var arguments: StatementArguments

    init(resource: String, namespace: String?, after: (String, String)?, revision: Int64, fromLog: Bool) {
        var conditions = ["resource = ?"]
        var arguments: StatementArguments = [resource]
        if let namespace {
            conditions.append("namespace = ?")
            _ = arguments.append(contentsOf: [namespace])
        }
        if let after {
            if namespace != nil {
                conditions.append("name > ?")
                _ = arguments.append(contentsOf: [after.1])
            } else {
                conditions.append("(namespace, name) > (?, ?)")
                _ = arguments.append(contentsOf: [after.0, after.1])
            }
        }
        if fromLog {
            // For each key the newest row at or below the list's revision (SQLite takes the bare columns from
            // the row holding MAX); keys whose newest row is DELETED are skipped by the caller.
            conditions.append("revision <= ?")
            _ = arguments.append(contentsOf: [revision])
            sql = """
                SELECT namespace, name, MAX(revision), data, type FROM changes WHERE \(conditions.joined(separator: " AND "))
                GROUP BY namespace, name ORDER BY namespace, name
                """
        } else {
            sql = """
                SELECT namespace, name, revision, data, 'ADDED' FROM objects WHERE \(conditions.joined(separator: " AND "))
                ORDER BY namespace, name
                """
        }
        self.arguments = arguments
    }
}

/// The opaque `continue` token: base64 of JSON `{"rv": R, "ns": ..., "name": ...}`, the list's revision and the
/// last key returned.
struct ContinueToken: Codable {
    var revision: Int64
    var namespace: String
    var name: String

    enum CodingKeys: String, CodingKey {
        case revision = "rv", namespace = "ns", name
    }

    var key: (String, String) { (namespace, name) }

    func encode() throws -> String {
        try JSONEncoder().encode(self).base64EncodedString()
    }

    static func decode(_ text: String) throws -> ContinueToken {
        guard let data = Data(base64Encoded: text) else {
            throw APIError.badRequest("continue key is not valid: not base64: \(text.prefix(64))")
        }
        let token: ContinueToken
        do {
            token = try JSONDecoder().decode(ContinueToken.self, from: data)
        } catch {
            throw APIError.badRequest("continue key is not valid: \(error)")
        }
        guard token.revision >= 0 else { throw APIError.badRequest("continue key is not valid: negative revision \(token.revision)") }
        return token
    }
}

/// One row of a list page before decoding.
struct StoredRow: Sendable {
    var namespace: String
    var name: String
    var revision: Int64
    var data: Data
}
