import Foundation
import StowageAPI
import Synchronization

/// The JSON of recently seen object revisions, keyed by uid and resourceVersion: a change delivered to a
/// hundred watchers is encoded once. Bounded; the oldest half is dropped when full.
final class EncodingCache<T: APIObject>: Sendable {
    private struct Entries {
        var bytes: [String: Data] = [:]
        var order: [String] = []
    }

    private let entries = Mutex(Entries())
    private let capacity: Int

    init(capacity: Int = 4096) { self.capacity = capacity }

    func encoded(_ object: T) throws -> Data {
        guard let uid = object.metadata.uid, let version = object.metadata.resourceVersion else { return try APICodec.encode(object) }
        let key = uid + "/" + version
        if let cached = entries.withLock({ $0.bytes[key] }) { return cached }
        let bytes = try APICodec.encode(object)
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
