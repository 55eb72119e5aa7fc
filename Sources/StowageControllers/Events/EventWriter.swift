import Logging
import StowageAPI
import StowageClient
import Synchronization

/// The events recorded and not yet written: ``take()`` hands over all of them at once.
final class EventQueue: Sendable {
    private struct State {
        var pending: [EventRecorder.Pending] = []
        var waiter: CheckedContinuation<[EventRecorder.Pending]?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// What became of a pushed event.
    enum PushResult {
        case queued
        /// Dropped: `capacity` events were already waiting.
        case full
        /// Dropped: the queue was finished.
        case finished
    }

    /// Queues `pending`, unless `capacity` events are already waiting or the queue is finished.
    func push(_ pending: EventRecorder.Pending, capacity: Int) -> PushResult {
        let (result, waiter) = state.withLock { state -> (PushResult, CheckedContinuation<[EventRecorder.Pending]?, Never>?) in
            if state.finished { return (.finished, nil) }
            guard state.pending.count < capacity else { return (.full, nil) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (.queued, waiter)
            }
            state.pending.append(pending)
            return (.queued, nil)
        }
        waiter?.resume(returning: [pending])  // the writer was waiting: the event goes straight to it
        return result
    }

    /// Everything queued, waiting for at least one event; nil once finished and drained.
    func take() async -> [EventRecorder.Pending]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [EventRecorder.Pending]?? in
                if let batch = Self.drain(&state) { return .some(batch) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if case .some(let batch) = ready { continuation.resume(returning: batch) }
        }
    }

    /// Everything queued, or nil when nothing is; does not wait.
    func takeIfAny() -> [EventRecorder.Pending]? {
        state.withLock { Self.drain(&$0) }
    }

    private static func drain(_ state: inout State) -> [EventRecorder.Pending]? {
        guard !state.pending.isEmpty else { return nil }
        defer { state.pending = [] }
        return state.pending
    }

    /// Lets ``take()`` drain what is queued and then return nil; later pushes are dropped.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[EventRecorder.Pending]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}

/// Writes batches of queued events: identical events in a batch become one write with their count, and the
/// distinct ones are written concurrently, at most ``maximumConcurrentWrites`` at a time (so the store commits
/// them together). An event identical to one written recently adds to that event's count instead of creating
/// another.
///
/// The bound matters when the writer falls behind: a batch then holds thousands of events, and writing them all
/// at once kept every one's encoding and commit in memory together — 80 MiB more for the server holding 10,000
/// claims, in one second, whenever a slow commit let the queue fill.
final class EventWriter: Sendable {
    private let cluster: any Cluster
    private let logger: Logger
    private let recent = Mutex(RecentEvents(limit: 4_096))
    /// Events being written at once, at most (enough for the store's group commit to put many in one commit).
    let maximumConcurrentWrites: Int

    init(cluster: any Cluster, logger: Logger, maximumConcurrentWrites: Int) {
        self.cluster = cluster
        self.logger = logger
        self.maximumConcurrentWrites = max(1, maximumConcurrentWrites)
    }

    func write(_ batch: [EventRecorder.Pending]) async {
        var order: [EventRecorder.Fingerprint] = []
        var folded: [EventRecorder.Fingerprint: (pending: EventRecorder.Pending, count: Int32)] = [:]
        for pending in batch {
            if let seen = folded[pending.fingerprint] {
                folded[pending.fingerprint]?.count = seen.count + 1
            } else {
                folded[pending.fingerprint] = (pending, 1)
                order.append(pending.fingerprint)
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for (position, fingerprint) in order.enumerated() {
                if position >= maximumConcurrentWrites { await group.next() }
                guard let (pending, count) = folded.removeValue(forKey: fingerprint) else { continue }
                group.addTask { await self.write(pending, count: count) }
            }
        }
    }

    private func write(_ pending: EventRecorder.Pending, count: Int32) async {
        do {
            if let existing = recent.withLock({ $0[pending.fingerprint] }), try await add(count, to: existing) {
                return
            }
            var event = pending.event
            if count > 1 { event.count = count }
            let created = try await cluster.create(event)
            let key = ObjectKey(namespace: created.metadata.namespace, name: created.metadata.name ?? "")
            recent.withLock { $0.remember(key, for: pending.fingerprint) }
        } catch {
            logger.warning("could not record event", metadata: [
                "reason": "\(pending.event.reason ?? "")", "object": "\(pending.event.involvedObject?.name ?? "")", "error": "\(error)"])
        }
    }

    /// Adds `count` to a recorded event's count; false when it is gone (expired or deleted by a user).
    private func add(_ count: Int32, to key: ObjectKey) async throws -> Bool {
        guard var event = try await cluster.getIfPresent(Event.self, key) else { return false }
        event.count = (event.count ?? 1) + count
        event.lastTimestamp = .now()
        do {
            _ = try await cluster.update(event)
        } catch let error as APIError where error.reason == .notFound {
            return false
        } catch let error as APIError where error.reason == .conflict {
            return try await add(count, to: key)
        }
        return true
    }
}

/// The events written most recently, by fingerprint, at most `limit` of them (the oldest written is forgotten
/// first), so that a long-running recorder does not remember every event it ever made.
struct RecentEvents {
    private var keys: [EventRecorder.Fingerprint: ObjectKey] = [:]
    private var order: [EventRecorder.Fingerprint] = []
    private var oldest = 0
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    subscript(fingerprint: EventRecorder.Fingerprint) -> ObjectKey? { keys[fingerprint] }

    /// Remembers where the event with `fingerprint` was written, forgetting the oldest beyond `limit`.
    mutating func remember(_ key: ObjectKey, for fingerprint: EventRecorder.Fingerprint) {
        if keys.updateValue(key, forKey: fingerprint) == nil { order.append(fingerprint) }
        while keys.count > limit, oldest < order.count {
            keys[order[oldest]] = nil
            oldest += 1
        }
        if oldest > limit {  // drop the forgotten prefix now and then, not on every insert
            order.removeFirst(oldest)
            oldest = 0
        }
    }

    var count: Int { keys.count }
}
