import Foundation
import GRDB
import Logging
import StowageAPI
import Synchronization

/// Trims the change log: removes, at or below a revision, every row superseded by a newer row of the same key
/// (also at or below it) and every DELETED row, in one IMMEDIATE transaction, and records the revision in
/// `meta.compacted_revision`. The current state of every live object stays in the log, so list continuations
/// and watches from any revision at or after the compacted one stay exact.
///
/// Automatic compaction (``runIfDue()``) is called by the group committer between batches; it keeps
/// ``StoreOptions/retainedRevisions`` revisions and everything younger than ``StoreOptions/retainedAge``.
/// A failure is counted in ``failures`` and logged as an error; the next run retries.
final class Compactor: Sendable {
    private struct State {
        var lastRun: ContinuousClock.Instant
        var failures = 0
    }
    private let pool: DatabasePool
    private let options: StoreOptions
    private let logger: Logger
    private let state: Mutex<State>

    init(pool: DatabasePool, options: StoreOptions, logger: Logger) {
        self.pool = pool
        self.options = options
        self.logger = logger
        self.state = Mutex(State(lastRun: .now))
    }

    /// Failed automatic compactions so far.
    var failures: Int { state.withLock { $0.failures } }

    /// Compacts when ``StoreOptions/compactionInterval`` elapsed since the last run.
    func runIfDue() async {
        guard let interval = options.compactionInterval else { return }
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard now - state.lastRun >= interval else { return false }
            state.lastRun = now
            return true
        }
        guard due else { return }
        let keep = options.retainedRevisions
        let ageMilliseconds = options.retainedAge.components.seconds * 1000 + options.retainedAge.components.attoseconds / 1_000_000_000_000_000
        do {
            let removed = try await pool.writeWithoutTransaction { db -> Int in
                var removed = 0
                try db.inTransaction(.immediate) {
                    let current = try StoreQueries.currentRevision(db)
                    let byCount = current - keep
                    guard byCount > 0 else { return .commit }
                    let cutoff = StoreQueries.nowMilliseconds() - ageMilliseconds
                    guard let target = try Int64.fetchOne(db, sql: """
                        SELECT revision FROM changes WHERE revision <= ? AND created_at <= ? ORDER BY revision DESC LIMIT 1
                        """, arguments: [byCount, cutoff]) else { return .commit }
                    removed = try Self.compact(db, upTo: target)
                    return .commit
                }
                return removed
            }
            if removed > 0 { logger.debug("compacted the change log", metadata: ["removed": "\(removed)"]) }
        } catch {
            state.withLock { $0.failures += 1 }
            logger.error("automatic compaction of the change log failed", metadata: ["error": "\(error)"])
        }
    }

    /// Compacts up to `revision` (clamped to the current revision) inside the caller's transaction. Returns how
    /// many rows were removed; 0 when `revision` is not above the compacted revision.
    static func compact(_ db: Database, upTo revision: Int64) throws -> Int {
        let target = min(revision, try StoreQueries.currentRevision(db))
        guard target > (try StoreQueries.compactedRevision(db)) else { return 0 }
        try db.execute(sql: """
            DELETE FROM changes WHERE revision <= :target AND (type = 'DELETED' OR EXISTS (
                SELECT 1 FROM changes AS newer
                WHERE newer.resource = changes.resource AND newer.namespace = changes.namespace
                  AND newer.name = changes.name AND newer.revision > changes.revision AND newer.revision <= :target))
            """, arguments: ["target": target])
        let removed = db.changesCount
        try db.execute(sql: "UPDATE meta SET value = ? WHERE key = 'compacted_revision'", arguments: [target])
        return removed
    }
}

extension Store {
    /// Removes log entries no longer needed at or below `revision` (superseded versions and deletion records),
    /// so watches and list continuations from before it get Expired. Runs in one IMMEDIATE transaction.
    /// Returns how many entries were removed.
    /// - Throws: ``StoreError/database(operation:underlying:)``.
    @discardableResult
    public func compact(upTo revision: Int64) async throws -> Int {
        do {
            return try await pool.writeWithoutTransaction { db -> Int in
                var removed = 0
                try db.inTransaction(.immediate) {
                    removed = try Compactor.compact(db, upTo: revision)
                    return .commit
                }
                return removed
            }
        } catch {
            throw StoreError.wrap(error, operation: "compact the change log up to \(revision)")
        }
    }
}
