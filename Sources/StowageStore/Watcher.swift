import Foundation
import StowageAPI
import Synchronization

/// One watch of kind `T`: buffers live changes while its backlog is read, then turns changes into
/// ``WatchEvent``s (namespace, filter transitions) and hands them to its ``WatchReceiver``, one call per
/// committed batch.
///
/// Life cycle: created in the *starting* phase and registered with the hub before the backlog is read (so no
/// change can fall between backlog and live stream); ``start(backlog:after:)`` yields the backlog, then the
/// buffered live changes newer than the last yielded revision, and goes *live*. Every change at or below the
/// last yielded revision is dropped, so a change seen in both backlog and live stream is delivered once.
///
/// Limits: more than `bufferLimit` changes buffered while starting, or a receiver that refuses a batch (its
/// consumer is too far behind), end the watch with ``APIError`` Expired; memory per watcher is bounded.
final class Watcher<T: APIObject>: WatchSink {
    private enum Phase {
        case starting([ChangeRecord])
        case live
        case ended
    }
    private struct State {
        var phase: Phase = .starting([])
        var lastRevision: Int64 = 0
    }

    private let receiver: WatchReceiver<T>
    private let namespace: String?
    private let filter: (@Sendable (T) -> Bool)?
    private let bufferLimit: Int
    private let state = Mutex(State())

    init(receiver: WatchReceiver<T>, namespace: String?, filter: (@Sendable (T) -> Bool)?, bufferLimit: Int) {
        self.receiver = receiver
        self.namespace = namespace
        self.filter = filter
        self.bufferLimit = bufferLimit
    }

    // Called on the committer's thread for every watcher of a kind after each batch, through `WatchSink`. Left
    // generic, each call looked up the runtime metadata of the generic types it uses: 8% of the server's CPU
    // samples while 100 clients watched a burst of claims, gone from the profile once specialized for the busy
    // kinds (the watch p99 did not move measurably on a noisy machine).
    @_specialize(exported: false, where T == PersistentVolumeClaim)
    @_specialize(exported: false, where T == PersistentVolume)
    @_specialize(exported: false, where T == Pod)
    @_specialize(exported: false, where T == Event)
    func receive(_ changes: [ChangeRecord], cache: DecodeCache) {
        state.withLock { state in
            switch state.phase {
            case .ended:
                return
            case .starting(var buffer):
                buffer.append(contentsOf: changes.lazy.filter { self.inNamespace($0) })
                if buffer.count > bufferLimit {
                    endLocked(&state, overflow())
                } else {
                    state.phase = .starting(buffer)
                }
            case .live:
                deliverLocked(changes, &state, cache: cache)
            }
        }
    }

    /// Yields `backlog` (changes read from the log, in revision order), then what arrived live meanwhile, and
    /// goes live. `revision` is the revision the watch starts after.
    func start(backlog: [ChangeRecord], after revision: Int64) {
        state.withLock { state in
            guard case .starting(let buffered) = state.phase else { return }
            state.phase = .live
            state.lastRevision = revision
            let cache = DecodeCache()
            deliverLocked(backlog, &state, cache: cache)
            deliverLocked(buffered, &state, cache: cache)
        }
    }

    func end(_ error: (any Error)?) {
        state.withLock { endLocked(&$0, error) }
    }

    private func endLocked(_ state: inout State, _ error: (any Error)?) {
        if case .ended = state.phase { return }
        state.phase = .ended
        receiver.end(error)
    }

    private func overflow() -> APIError {
        APIError.expired("watch of \(T.resource.storageKey) ended: more than \(bufferLimit) events were not consumed; start a new watch")
    }

    private func inNamespace(_ change: ChangeRecord) -> Bool {
        namespace.map { $0 == change.namespace } ?? true
    }

    /// Turns `changes` into events and hands them to the receiver in one call.
    private func deliverLocked(_ changes: [ChangeRecord], _ state: inout State, cache: DecodeCache) {
        guard case .live = state.phase else { return }
        var batch: [WatchEvent<T>] = []
        var failure: (any Error)?
        for change in changes where change.revision > state.lastRevision && inNamespace(change) {
            do {
                batch.append(contentsOf: try events(for: change, cache: cache))
            } catch {
                failure = StoreError.wrap(error, operation: "decode \(T.resource.storageKey) at revision \(change.revision) for a watch")
                break
            }
            state.lastRevision = change.revision
        }
        if !batch.isEmpty, !receiver.events(batch) {
            endLocked(&state, overflow())
            return
        }
        if let failure { endLocked(&state, failure) }
    }

    /// The events `change` means for this watch: without a filter, the change itself; with one, ADDED when the
    /// object starts matching, DELETED (its previous state, at the change's revision) when it stops matching.
    private func events(for change: ChangeRecord, cache: DecodeCache) throws -> [WatchEvent<T>] {
        let object = try cache.decode(T.self, change.data, revision: change.revision, known: change.object)
        let type: WatchEvent<T>.EventType
        switch change.type {
        case .added: type = .added
        case .modified: type = .modified
        case .deleted: type = .deleted
        }
        guard let filter else { return [WatchEvent(type: type, object: object, revision: change.revision)] }
        switch change.type {
        case .added, .deleted:
            return filter(object) ? [WatchEvent(type: type, object: object, revision: change.revision)] : []
        case .modified:
            let previous = try change.previous.map { try cache.decode(T.self, $0, revision: change.previousRevision, known: change.previousObject) }
            let matchesNow = filter(object)
            let matchedBefore = previous.map(filter) ?? false
            switch (matchedBefore, matchesNow) {
            case (true, true): return [WatchEvent(type: .modified, object: object, revision: change.revision)]
            case (false, true): return [WatchEvent(type: .added, object: object, revision: change.revision)]
            case (true, false):
                guard var last = previous else { return [] }
                last.metadata.resourceVersion = String(change.revision)
                return [WatchEvent(type: .deleted, object: last, revision: change.revision)]
            case (false, false): return []
            }
        }
    }
}
