import Foundation
import StowageAPI
import Synchronization

/// Decoded objects by key, each tagged with the revision it was decoded at, so reads (get, list) skip JSON
/// decoding of objects that did not change since they were last read — the role of Kubernetes' watch cache,
/// without its consistency burden: an entry is used only when its revision equals the row's revision, so a
/// stale entry is merely a miss.
///
/// Memory: Swift values share their storage, so an entry costs little while a caller still holds the objects it
/// was given; the cache is bounded by ``StoreOptions/decodedObjectCacheLimit`` entries (0 disables it), and
/// the committer drops the entries of deleted objects. Thread-safe; one lock acquisition per batch of rows.
final class ObjectCache: Sendable {
    struct Key: Hashable, Sendable {
        var resource: String
        var namespace: String
        var name: String
    }
    private struct Entry {
        var revision: Int64
        var object: any Sendable
    }

    private let limit: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(limit: Int) { self.limit = max(0, limit) }

    /// Decodes `rows` of kind `T` in order, taking unchanged objects from the cache and caching the others.
    func decode<T: APIObject>(_ type: T.Type, resource: String, _ rows: [StoredRow]) throws -> [T] {
        guard limit > 0 else { return try ParallelDecode.decode(T.self, rows, at: Array(rows.indices)) }
        var objects = [T?](repeating: nil, count: rows.count)
        entries.withLock { entries in
            for (index, row) in rows.enumerated() {
                if let entry = entries[Key(resource: resource, namespace: row.namespace, name: row.name)],
                   entry.revision == row.revision {
                    objects[index] = entry.object as? T
                }
            }
        }
        let misses = objects.indices.filter { objects[$0] == nil }
        let fresh = try ParallelDecode.decode(T.self, rows, at: misses)
        var decoded: [(Key, Entry)] = []
        decoded.reserveCapacity(misses.count)
        for (index, object) in zip(misses, fresh) {
            let row = rows[index]
            decoded.append((Key(resource: resource, namespace: row.namespace, name: row.name), Entry(revision: row.revision, object: object)))
            objects[index] = object
        }
        let result = objects.compactMap { $0 }
        if !decoded.isEmpty {
            entries.withLock { entries in
                for (key, entry) in decoded where (entries[key]?.revision ?? 0) < entry.revision {
                    entries[key] = entry
                }
                if entries.count > limit {
                    let excess = entries.count - limit + limit / 10
                    for key in entries.keys.prefix(excess) { entries[key] = nil }
                }
            }
        }
        return result
    }

    /// Drops the entries of deleted objects (called by the committer after a batch).
    func forget(_ changes: [ChangeRecord]) {
        guard limit > 0, changes.contains(where: { $0.type == .deleted }) else { return }
        entries.withLock { entries in
            for change in changes where change.type == .deleted {
                entries[Key(resource: change.resource, namespace: change.namespace, name: change.name)] = nil
            }
        }
    }
}
