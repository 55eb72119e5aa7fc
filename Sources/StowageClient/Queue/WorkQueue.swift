import Synchronization
/// A work queue of keys with client-go's guarantees, for level-triggered reconcilers:
/// - a key waiting in the queue is not added twice;
/// - a key being processed is never handed to a second worker; if it is added meanwhile it is marked dirty and
///   handed out again after ``done(_:)``;
/// - failures back off per key exponentially (``addRateLimited(_:)``, reset by ``forget(_:)``);
/// - ``addAfter(_:delay:)`` re-adds later;
/// - ``shutDown(drain:)`` stops accepting keys; workers still receive the keys already waiting, then nil; with
///   `drain` it also waits until every waiting and in-flight key is done.
///
/// All methods may be called from any task or thread; only ``next()`` and ``shutDown(drain:)`` suspend, so an informer
/// handler adds keys without starting a task per key.
public final class WorkQueue<Key: Hashable & Sendable>: Sendable {
    private struct State {
        var queue: [Key] = []
        var head = 0
        var dirty: Set<Key> = []
        var processing: Set<Key> = []
        var waiters: [CheckedContinuation<Key?, Never>] = []
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        var failures: [Key: Int] = [:]
        var shuttingDown = false

        var count: Int { queue.count - head }

        /// Hands `key` to a waiting worker (returned, to resume outside the lock) or queues it.
        mutating func push(_ key: Key) -> (CheckedContinuation<Key?, Never>, Key)? {
            if !waiters.isEmpty {
                let waiter = waiters.removeFirst()
                dirty.remove(key)
                processing.insert(key)
                return (waiter, key)
            }
            queue.append(key)
            return nil
        }

        mutating func popReady() -> Key? {
            guard head < queue.count else { return nil }
            let key = queue[head]
            head += 1
            if head > 64, head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            dirty.remove(key)
            processing.insert(key)
            return key
        }

        /// The waiters to wake when nothing is waiting or in flight.
        mutating func idleWakeups() -> (workers: [CheckedContinuation<Key?, Never>], drains: [CheckedContinuation<Void, Never>]) {
            guard processing.isEmpty, count == 0 else { return ([], []) }
            var workers: [CheckedContinuation<Key?, Never>] = []
            if shuttingDown {
                workers = waiters
                waiters.removeAll()
            }
            let drains = drainWaiters
            drainWaiters.removeAll()
            return (workers, drains)
        }
    }

    private let state = Mutex(State())
    private let backoff: Backoff

    public init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// Adds `key` unless it is already waiting; a key being processed is marked dirty and handed out again after
    /// ``done(_:)``. Ignored after ``shutDown(drain:)``.
    public func add(_ key: Key) {
        let handoff = state.withLock { state -> (CheckedContinuation<Key?, Never>, Key)? in
            guard !state.shuttingDown, state.dirty.insert(key).inserted, !state.processing.contains(key) else { return nil }
            return state.push(key)
        }
        if let (waiter, key) = handoff { waiter.resume(returning: key) }
    }

    /// The next key to process; nil once the queue is shut down and empty. Call ``done(_:)`` after processing.
    public func next() async -> Key? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Key?? in
                if let key = state.popReady() { return .some(key) }
                if state.shuttingDown { return .some(nil) }
                state.waiters.append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Marks `key` processed; if it was added meanwhile it is queued again.
    public func done(_ key: Key) {
        let (handoff, idle) = state.withLock { state in
            state.processing.remove(key)
            let handoff = state.dirty.contains(key) ? state.push(key) : nil
            return (handoff, state.idleWakeups())
        }
        if let (waiter, key) = handoff { waiter.resume(returning: key) }
        for worker in idle.workers { worker.resume(returning: nil) }
        for drain in idle.drains { drain.resume() }
    }

    /// Adds `key` after `delay`.
    public func addAfter(_ key: Key, delay: Duration) {
        guard !state.withLock({ $0.shuttingDown }) else { return }
        if delay <= .zero { add(key); return }
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            self?.add(key)
        }
    }

    /// Adds `key` after its backoff delay, and counts a failure for it.
    public func addRateLimited(_ key: Key) {
        let count = state.withLock { state -> Int in
            let count = state.failures[key, default: 0]
            state.failures[key] = count + 1
            return count
        }
        addAfter(key, delay: backoff.delay(afterFailures: count))
    }

    /// Clears `key`'s failure count (after a success).
    public func forget(_ key: Key) {
        state.withLock { _ = $0.failures.removeValue(forKey: key) }
    }

    /// Consecutive failures of `key`.
    public func failureCount(_ key: Key) -> Int { state.withLock { $0.failures[key, default: 0] } }

    /// Keys waiting (not counting those being processed).
    public var count: Int { state.withLock { $0.count } }

    /// Stops accepting keys. Workers still get the keys already waiting, then nil. With `drain`, waits until every
    /// waiting and in-flight key is done.
    public func shutDown(drain: Bool = false) async {
        let idleWorkers = state.withLock { state -> [CheckedContinuation<Key?, Never>] in
            state.shuttingDown = true
            guard state.count == 0 else { return [] }
            let idle = state.waiters
            state.waiters.removeAll()
            return idle
        }
        for worker in idleWorkers { worker.resume(returning: nil) }
        guard drain else { return }
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state -> Bool in
                if state.processing.isEmpty && state.count == 0 { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }
}

/// Exponential backoff: `base * 2^failures`, capped at `maximum`.
public struct Backoff: Sendable, Hashable {
    public var base: Duration
    public var maximum: Duration

    /// Defaults to 5 ms doubling up to 1000 s, as client-go's per-item limiter.
    public init(base: Duration = .milliseconds(5), maximum: Duration = .seconds(1000)) {
        self.base = base
        self.maximum = maximum
    }

    /// The delay after `failures` consecutive failures (0 gives `base`).
    public func delay(afterFailures failures: Int) -> Duration {
        var delay = base
        for _ in 0..<min(failures, 62) {
            delay = delay * 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
