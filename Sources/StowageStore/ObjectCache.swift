import Foundation
import StowageAPI
import Synchronization

/// Decoded objects by key, each tagged with the revision it was decoded at, so reads (get, list) skip JSON
/// decoding of objects that did not change since they were last read — the role of Kubernetes' watch cache.
///
/// Two kinds of entry. One left by a read is used only when its revision equals the row's revision, so a stale
/// one is merely a miss. One left by the committer (``absorb(_:)``) is the object's latest committed state and
/// serves a get without reading the database: every write goes through the committer, which demotes the entry
/// before its commit and replaces or drops it after, before anyone is resumed.
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
        /// Put here by the committer: the object's latest committed state, until the next commit of the key
        /// replaces or drops it. Entries decoded by reads are not: a read may race a deletion.
        var latest = false
    }

    private let limit: Int
    /// Events are written, counted and hardly read again: a created one is cached only once read or modified.
    static let eventsResource = Event.resource.storageKey
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

    /// The latest committed state of an object, when the committer left it here (every write of the key goes
    /// through the committer, which demotes the entry before its COMMIT and replaces or drops it after); nil
    /// means "read the database". A get served here precedes any commit of the key not yet absorbed, and
    /// compare-and-swap still guards every write based on it.
    func latest<T: APIObject>(_ type: T.Type, resource: String, namespace: String, name: String) -> T? {
        cached(T.self, Key(resource: resource, namespace: namespace, name: name)) { $0.latest }
    }

    /// The cached object of kind `T` at `revision`, if the cache holds exactly that version.
    func object<T: APIObject>(_ type: T.Type, resource: String, namespace: String, name: String, revision: Int64) -> T? {
        cached(T.self, Key(resource: resource, namespace: namespace, name: name)) { $0.revision == revision }
    }

    private func cached<T: APIObject>(_ type: T.Type, _ key: Key, where usable: (Entry) -> Bool) -> T? {
        guard limit > 0 else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[key], usable(entry) else { return nil }
            return entry.object as? T
        }
    }

    /// Stops serving the keys of a batch about to commit as latest (called by the committer inside the
    /// transaction, before COMMIT): from the moment SQLite holds the new state until ``absorb(_:)`` records it,
    /// a get reads the database, so no reader that saw the new revision (a list, a watch's backlog) can then
    /// be handed the old one.
    func demote(_ changes: [ChangeRecord]) {
        guard limit > 0, !changes.isEmpty else { return }
        entries.withLock { entries in
            for change in changes {
                entries[Key(resource: change.resource, namespace: change.namespace, name: change.name)]?.latest = false
            }
        }
    }

    /// Takes in one committed batch (called by the committer): the writer's decoded copy of each written object
    /// replaces an older entry, so the next read of it decodes nothing; deleted objects are dropped. Created
    /// objects are cached too (controllers read and update a new claim or volume at once: caching them halved the
    /// CPU of a bind), except events (``eventsResource``). Each entry costs a copy of the object's struct (its
    /// strings and collections are shared with the informers' copies): about 1 KiB.
    func absorb(_ changes: [ChangeRecord]) {
        guard limit > 0, !changes.isEmpty else { return }
        entries.withLock { entries in
            for change in changes {
                let key = Key(resource: change.resource, namespace: change.namespace, name: change.name)
                if change.type == .deleted || change.object == nil {
                    entries[key] = nil
                } else if let object = change.object,
                          entries[key] != nil || ((change.type == .modified || change.resource != Self.eventsResource) && entries.count < limit) {
                    entries[key] = Entry(revision: change.revision, object: object, latest: true)
                }
            }
        }
    }
}
