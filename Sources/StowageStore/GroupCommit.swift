import GRDB
import StowageAPI
import Synchronization

/// A write applied inside a batch transaction: the changes it logged and how to hand its caller the result once
/// the batch is durable.
struct AppliedWrite: Sendable {
    var changes: [ChangeRecord]
    var succeed: @Sendable () -> Void
}

/// A write waiting for the committer. `apply` runs on the writer connection inside the batch transaction, in
/// its own savepoint; `fail` hands the caller an error (its own, or the batch's commit failure).
struct QueuedWrite: Sendable {
    let apply: @Sendable (Database) throws -> AppliedWrite
    let fail: @Sendable (any Error) -> Void
}

/// Group commit: concurrent writes are queued and one committer drains the queue in batches, each batch one
/// IMMEDIATE transaction (so one fsync under `synchronous=FULL`) with every write in its own SAVEPOINT: a write
/// that fails (Conflict, AlreadyExists, NotFound) is rolled back alone and the others commit.
///
/// Ordering contract: writes are applied in the order they were queued; after a batch commits its changes are
/// published to the ``WatchHub`` in revision order, then each caller is resumed. A caller is never resumed
/// with success before its change is durable.
///
/// The committer is a task started on demand when a write arrives and none is running; it exits when the queue
/// is empty, so an idle store runs no task.
///
/// Batches hold at most ``defaultMaximumBatch`` writes, and the next batch is cut as soon as the last one committed
/// when writes are waiting. With more concurrent writers than one batch holds this splits them into cohorts that
/// take turns: one cohort's batch is applied on the writer connection while the callers of the other prepare their
/// next writes (merging, encoding, validating) on the other cores. A single batch of every writer would leave the
/// writer idle while they prepare and the cores idle while it commits (measured on the 10,000-pair bind benchmark:
/// the process used 63% of the 2 cores that way, 74-77% with cohorts of 64, and finished 15-20% sooner).
final class GroupCommitter: Sendable {
    private struct State {
        var pending: [QueuedWrite] = []
        var running = false
        var closed = false
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let counters = Mutex(CommitCounters())
    private let pool: DatabasePool
    private let hub: WatchHub
    private let cache: ObjectCache
    private let maximumBatch: Int
    /// Run by the committer between batches (automatic compaction), so maintenance never races a batch.
    private let maintenance: @Sendable () async -> Void

    /// The most writes one transaction holds unless the committer is told otherwise.
    static let defaultMaximumBatch = 64

    init(pool: DatabasePool, hub: WatchHub, cache: ObjectCache, maximumBatch: Int = defaultMaximumBatch, maintenance: @escaping @Sendable () async -> Void) {
        self.pool = pool
        self.hub = hub
        self.cache = cache
        self.maximumBatch = maximumBatch
        self.maintenance = maintenance
    }

    /// Queues `body` and waits until its batch committed. `body` runs on the writer connection inside the batch
    /// transaction and returns the caller's result and the changes it logged; if it throws, only its own
    /// savepoint is rolled back and the error is rethrown here.
    /// - Throws: what `body` throws, ``StoreError/database(operation:underlying:)`` when the batch failed to
    ///   commit, ``StoreError/closed`` after ``close()``.
    func submit<R: Sendable>(_ body: @escaping @Sendable (Database) throws -> (R, [ChangeRecord])) async throws -> R {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<R, any Error>) in
            enqueue(QueuedWrite(
                apply: { db in
                    let (result, changes) = try body(db)
                    return AppliedWrite(changes: changes, succeed: { continuation.resume(returning: result) })
                },
                fail: { continuation.resume(throwing: $0) }))
        }
    }

    /// Batches and writes committed so far.
    var statistics: CommitCounters { counters.withLock { $0 } }

    /// Refuses new writes and waits until every queued write finished.
    func close() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                state.closed = true
                if state.running {
                    state.idleWaiters.append(waiter)
                    return false
                }
                return true
            }
            if resumeNow { waiter.resume() }
        }
    }

    private func enqueue(_ write: QueuedWrite) {
        enum Decision { case refuse, queued, startCommitter }
        let decision = state.withLock { state -> Decision in
            if state.closed { return .refuse }
            state.pending.append(write)
            if state.running { return .queued }
            state.running = true
            return .startCommitter
        }
        switch decision {
        case .refuse: write.fail(StoreError.closed)
        case .queued: break
        case .startCommitter: Task { await self.drain() }
        }
    }

    private func drain() async {
        while true {
            // Nothing waiting: let callers resumed by the previous batch (runnable right now) queue their next
            // writes before this batch is cut, so they share its fsync rather than each paying one. No timer:
            // when nothing else is runnable the yield returns at once, so a lone caller adds no delay. Writes
            // waiting: cut at once (see the type's comment on cohorts).
            if state.withLock({ $0.pending.isEmpty }) { await Task.yield() }
            guard let batch = nextBatch(stoppingWhenEmpty: true) else { return }
            await commit(startingWith: batch)
            await maintenance()
        }
    }

    /// The next batch, nil when nothing is waiting. With `stoppingWhenEmpty`, an empty queue also ends this
    /// committer (the next write starts another) and resumes those waiting in ``close()``.
    private func nextBatch(stoppingWhenEmpty: Bool) -> [QueuedWrite]? {
        let (batch, waiters) = state.withLock { state -> ([QueuedWrite]?, [CheckedContinuation<Void, Never>]) in
            if state.pending.isEmpty {
                guard stoppingWhenEmpty else { return (nil, []) }
                state.running = false
                let waiters = state.idleWaiters
                state.idleWaiters = []
                return (nil, waiters)
            }
            let count = min(state.pending.count, maximumBatch)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return (batch, [])
        }
        for waiter in waiters { waiter.resume() }
        return batch
    }

    /// Commits `batch`, then the batches queued meanwhile, one after another on the writer connection's thread
    /// until the queue is empty (or for at most ``maintenanceInterval``, so maintenance gets its turn). Returning
    /// to the cooperative pool between batches would put the committer behind every caller the last batch
    /// resumed, with the writer idle until they all ran.
    private func commit(startingWith batch: [QueuedWrite]) async {
        do {
            try await pool.writeWithoutTransaction { db in
                let started = ContinuousClock.now
                var batch = batch
                while true {
                    commit(batch, db)
                    guard ContinuousClock.now - started < Self.maintenanceInterval,
                          let next = nextBatch(stoppingWhenEmpty: false) else { return }
                    batch = next
                }
            }
        } catch {
            // Only getting the writer connection can throw (the closure cannot), so no write of this call was
            // applied: the batch in hand fails, and the writes queued after it are tried in turn.
            let failure = StoreError.database(operation: "commit a batch of \(batch.count) writes", underlying: "\(error)")
            for write in batch { write.fail(failure) }
        }
    }

    /// How long the committer may keep the writer thread before maintenance runs.
    private static let maintenanceInterval = Duration.milliseconds(100)

    /// Applies `batch` in one transaction (each write in its own savepoint), then publishes its changes and
    /// resumes its callers; when the transaction fails, every write of the batch fails with that error.
    private func commit(_ batch: [QueuedWrite], _ db: Database) {
        var results: [Result<AppliedWrite, any Error>] = []
        results.reserveCapacity(batch.count)
        do {
            try db.inTransaction(.immediate) {
                for write in batch {
                    try db.cachedStatement(sql: "SAVEPOINT write").execute()
                    let result: Result<AppliedWrite, any Error>
                    do {
                        result = .success(try write.apply(db))
                    } catch {
                        result = .failure(error)
                    }
                    if case .failure = result {
                        try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT write").execute()
                    }
                    try db.cachedStatement(sql: "RELEASE SAVEPOINT write").execute()
                    results.append(result)
                }
                for case .success(let applied) in results { cache.demote(applied.changes) }
                return .commit
            }
        } catch {
            let failure = StoreError.database(operation: "commit a batch of \(batch.count) writes", underlying: "\(error)")
            for write in batch { write.fail(failure) }
            return
        }
        counters.withLock { counters in
            counters.batches += 1
            counters.writes += batch.count
            counters.largestBatch = max(counters.largestBatch, batch.count)
        }
        var changes: [ChangeRecord] = []
        for case .success(let applied) in results { changes.append(contentsOf: applied.changes) }
        cache.absorb(changes)
        hub.publish(changes)
        for (write, result) in zip(batch, results) {
            switch result {
            case .success(let applied): applied.succeed()
            case .failure(let error): write.fail(StoreError.wrap(error, operation: "write"))
            }
        }
    }
}

extension StoreError {
    /// `error` itself when it is an ``APIError`` or ``StoreError``; anything else (a SQLite or coding error)
    /// wrapped as ``StoreError/database(operation:underlying:)`` naming `operation`.
    static func wrap(_ error: any Error, operation: String) -> any Error {
        if error is APIError || error is StoreError { return error }
        return StoreError.database(operation: operation, underlying: "\(error)")
    }
}

/// Counters of the group committer (for metrics and benchmarks).
public struct CommitCounters: Sendable {
    /// Transactions committed.
    public var batches = 0
    /// Writes submitted in those transactions (successful or not).
    public var writes = 0
    /// The most writes one transaction held.
    public var largestBatch = 0
}
