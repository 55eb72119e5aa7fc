/// A work queue of keys with client-go's guarantees, for level-triggered reconcilers:
/// - a key waiting in the queue is not added twice;
/// - a key being processed is never handed to a second worker; if it is added meanwhile it is marked dirty and
///   handed out again after ``done(_:)``;
/// - failures back off per key exponentially (``addRateLimited(_:)``, reset by ``forget(_:)``);
/// - ``addAfter(_:delay:)`` re-adds later;
/// - ``shutDown(drain:)`` stops accepting keys; workers still receive the keys already waiting, then nil; with
///   `drain` it also waits until every waiting and in-flight key is done.
///
/// All methods may be called from any task.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []
    private var failures: [Key: Int] = [:]
    private var shuttingDown = false
    private let backoff: Backoff

    /// Creates a queue whose per-key failure delays follow `backoff`.
    public init(backoff: Backoff = Backoff()) {
        self.backoff = backoff
    }

    /// Adds `key` unless it is already waiting. A key being processed is re-queued when it is done.
    /// Ignored after ``shutDown(drain:)``.
    public func add(_ key: Key) {
        guard !shuttingDown, dirty.insert(key).inserted else { return }
        if !processing.contains(key) { push(key) }
    }

    /// Waits for the next key and marks it as being processed. Returns nil once the queue is shut down and
    /// empty. Every key returned must be passed to ``done(_:)``.
    public func next() async -> Key? {
        if let key = popReady() { return key }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` as processed. If it was added while being processed, it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        if dirty.contains(key) { push(key) }
        wakeIfIdle()
    }

    /// Hands a dirty `key` to a waiting worker, or queues it.
    private func push(_ key: Key) {
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            dirty.remove(key)
            processing.insert(key)
            waiter.resume(returning: key)
        } else {
            queue.append(key)
        }
    }

    private func popReady() -> Key? {
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

    /// When nothing waits or runs: after shutdown, idle workers get nil; drain waiters return.
    private func wakeIfIdle() {
        guard processing.isEmpty, count == 0 else { return }
        if shuttingDown {
            let idle = waiters
            waiters.removeAll()
            for waiter in idle { waiter.resume(returning: nil) }
        }
        let draining = drainWaiters
        drainWaiters.removeAll()
        for waiter in draining { waiter.resume() }
    }

    /// Adds `key` after `delay` (at once when the delay is zero or negative).
    public func addAfter(_ key: Key, delay: Duration) {
        guard !shuttingDown else { return }
        if delay <= .zero { add(key); return }
        Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.add(key)
        }
    }

    /// Adds `key` after its next backoff delay, which doubles with each consecutive failure.
    public func addRateLimited(_ key: Key) {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        addAfter(key, delay: backoff.delay(afterFailures: count))
    }

    /// Forgets `key`'s failures: its next ``addRateLimited(_:)`` waits the base delay.
    public func forget(_ key: Key) {
        failures.removeValue(forKey: key)
    }

    /// How many consecutive failures `key` has had.
    public func failureCount(_ key: Key) -> Int { failures[key, default: 0] }

    /// Keys waiting to be processed.
    public var count: Int { queue.count - head }

    /// Stops accepting keys. Workers still get the keys already waiting, then nil. With `drain`, returns once
    /// every waiting and in-flight key is done.
    public func shutDown(drain: Bool = false) async {
        shuttingDown = true
        if count == 0 {
            let idle = waiters
            waiters.removeAll()
            for waiter in idle { waiter.resume(returning: nil) }
        }
        if drain, !processing.isEmpty || count > 0 {
            await withCheckedContinuation { drainWaiters.append($0) }
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
