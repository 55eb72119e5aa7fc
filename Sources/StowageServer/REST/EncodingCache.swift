import Foundation
import StowageAPI
import StowageStore
import Synchronization

/// The JSON of recently delivered watch events' objects, so a change delivered to a hundred watchers is encoded
/// once. Keyed by the change's revision and whether the event is a DELETED: a watcher whose selector stops
/// matching gets DELETED with the object's *previous* state at the same revision at which others get the new
/// state, so the revision alone does not name one body. Bounded; the oldest half is dropped when full.
final class EncodingCache<T: APIObject>: Sendable {
    private struct Key: Hashable {
        let revision: Int64
        let deleted: Bool
    }
    private struct Entries {
        var bytes: [Key: Data] = [:]
        var order: [Key] = []
    }

    private let entries = Mutex(Entries())
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    /// The JSON of `event`'s object, encoded by the first watcher to ask.
    func encoded(_ event: WatchEvent<T>) throws -> Data {
        // An object without a numeric resourceVersion has no revision to name its body by.
        guard event.revision > 0 else { return try APICodec.encode(event.object) }
        let key = Key(revision: event.revision, deleted: event.type == .deleted)
        if let cached = entries.withLock({ $0.bytes[key] }) { return cached }
        let bytes = try APICodec.encode(event.object)
        entries.withLock { entries in
            if entries.bytes[key] == nil {
                entries.bytes[key] = bytes
                entries.order.append(key)
                if entries.order.count > capacity {
                    for old in entries.order.prefix(capacity / 2) { entries.bytes[old] = nil }
                    entries.order.removeFirst(capacity / 2)
                }
            }
        }
        return bytes
    }
}
