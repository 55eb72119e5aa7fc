import Foundation
import StowageAPI
import Synchronization

/// Something the hub delivers committed changes to: a ``Watcher`` of one kind.
protocol WatchSink: AnyObject, Sendable {
    /// Takes the changes of one batch for this sink's resource, in revision order. Called by the committer,
    /// one batch at a time, never concurrently with itself.
    func receive(_ changes: [ChangeRecord], cache: DecodeCache)
    /// Ends the sink's stream (normally when `error` is nil).
    func end(_ error: (any Error)?)
}

/// Fans committed changes out to the watchers of their resource.
///
/// Ordering contract: ``publish(_:)`` is called by the group committer only, batch after batch in revision
/// order, so every watcher receives changes in revision order. Registration and removal may happen from any
/// thread at any time; a watcher registered during a publish may or may not see that batch (watchers
/// dedupe by revision after reading their backlog, so nothing is lost either way).
final class WatchHub: Sendable {
    private let sinks = Mutex<[String: [UInt64: any WatchSink]]>([:])
    private let nextID = Atomic<UInt64>(1)

    /// An id for ``add(resource:id:_:)``, reserved first so a sink can know the id it will be removed by.
    func reserveID() -> UInt64 {
        nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Registers `sink` for changes of `resource` under an id from ``reserveID()``.
    func add(resource: String, id: UInt64, _ sink: any WatchSink) {
        sinks.withLock { $0[resource, default: [:]][id] = sink }
    }

    /// Unregisters a sink. Safe to call more than once.
    func remove(resource: String, id: UInt64) {
        sinks.withLock { sinks in
            sinks[resource]?[id] = nil
            if sinks[resource]?.isEmpty == true { sinks[resource] = nil }
        }
    }

    /// The number of registered sinks (for tests and metrics).
    var count: Int { sinks.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Delivers one committed batch. Objects are decoded once per kind per change, shared by all watchers.
    func publish(_ changes: [ChangeRecord]) {
        guard !changes.isEmpty else { return }
        var byResource: [String: [ChangeRecord]] = [:]
        for change in changes { byResource[change.resource, default: []].append(change) }
        let targets = sinks.withLock { sinks in
            byResource.keys.map { resource in (resource, Array((sinks[resource] ?? [:]).values)) }
        }
        let cache = DecodeCache()
        for (resource, sinks) in targets where !sinks.isEmpty {
            guard let list = byResource[resource] else { continue }
            for sink in sinks { sink.receive(list, cache: cache) }
        }
    }

    /// Ends every watch (on close).
    func endAll() {
        let all = sinks.withLock { sinks -> [any WatchSink] in
            let all = sinks.values.flatMap { $0.values }
            sinks = [:]
            return all
        }
        for sink in all { sink.end(nil) }
    }
}

/// Decoded objects of one publish (or one backlog read), keyed by revision and kind, so N watchers of a kind
/// decode each change once. Used synchronously by one thread; not shared across calls.
final class DecodeCache {
    private struct Key: Hashable {
        let revision: Int64
        let kind: ObjectIdentifier
    }
    private var objects: [Key: Any] = [:]

    /// The object stored at `revision` as `data` (JSON without `resourceVersion`), with `resourceVersion` set to
    /// `revision`. `known` is the writer's decoded copy, used instead of decoding when it is a `T`.
    func decode<T: APIObject>(_ type: T.Type, _ data: Data, revision: Int64, known: (any Sendable)? = nil) throws -> T {
        let key = Key(revision: revision, kind: ObjectIdentifier(T.self))
        if let cached = objects[key] as? T { return cached }
        if let known = known as? T {
            objects[key] = known
            return known
        }
        var object = try APICodec.decode(T.self, from: data)
        object.metadata.resourceVersion = String(revision)
        objects[key] = object
        return object
    }
}
