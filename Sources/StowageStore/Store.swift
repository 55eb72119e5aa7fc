import Foundation
import GRDB
import Logging
import StowageAPI
import Synchronization

/// The SQLite-backed object store: every committed change gets the next global revision, which becomes the
/// object's `resourceVersion`; changes are kept in a log that watches replay and compaction trims.
///
/// One `Store` per state directory per process: opening takes an exclusive lock on `<directory>/lock`.
/// All methods are safe to call concurrently; writes from concurrent callers are group-committed (see
/// ``GroupCommitter``): a write returns once it is durable, and watchers see changes in revision order.
///
/// Objects are stored as Kubernetes JSON without `resourceVersion`; the revision of the row is set on reading.
public final class Store: Sendable {
    /// The state directory.
    public let directory: String
    /// The tuning this store was opened with.
    public let options: StoreOptions
    let pool: DatabasePool
    let hub: WatchHub
    let compactor: Compactor
    let objectCache: ObjectCache
    let committer: GroupCommitter
    let logger: Logger
    private let lock: StateDirectoryLock
    private let closedFlag = Mutex(false)

    private init(directory: String, options: StoreOptions, pool: DatabasePool, lock: StateDirectoryLock) {
        let logger = Logger(label: "stowage.store")
        let hub = WatchHub()
        let compactor = Compactor(pool: pool, options: options, logger: logger)
        let objectCache = ObjectCache(limit: options.decodedObjectCacheLimit)
        self.directory = directory
        self.options = options
        self.pool = pool
        self.hub = hub
        self.compactor = compactor
        self.objectCache = objectCache
        self.committer = GroupCommitter(pool: pool, hub: hub, cache: objectCache, maintenance: { await compactor.runIfDue() })
        self.logger = logger
        self.lock = lock
    }

    /// Opens (creating when missing) the database `<directory>/stowage.db` and takes the directory lock.
    /// Runs pending migrations. Automatic compaction runs on the committer between write batches, every
    /// ``StoreOptions/compactionInterval``.
    /// - Throws: ``StoreError`` `.locked` naming the holder's pid when another process (or another `Store` in
    ///   this process) owns the directory; `.database` when the database cannot be opened or migrated.
    public static func open(directory: String, options: StoreOptions = StoreOptions()) throws -> Store {
        let lock = try StateDirectoryLock.acquire(directory: directory)
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.label = "stowage.store"
            // Each write of a batch runs in its own SAVEPOINT, whose undo pages SQLite keeps in a statement
            // journal: in memory up to 64 KiB, then in a temporary file that, once spilled, grows for the rest
            // of the transaction. With temporary storage in memory the journal stays in memory and is emptied
            // at every RELEASE (measured: the 1,000-pair bind made 13,800 writes to such files besides its 9,000
            // to the WAL; none with this). Sorts and GROUP BY of list queries use memory too.
            configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA temp_store = MEMORY") }
            let pool = try DatabasePool(path: directory + "/stowage.db", configuration: configuration)
            // After the pool is open: GRDB sets `synchronous = NORMAL` on the writer when it enables WAL, after
            // `prepareDatabase` ran, which would leave commits unsynced (lost on power loss) whatever we asked.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(options.synchronous.rawValue)")
            }
            try Schema.migrator.migrate(pool)
            return Store(directory: directory, options: options, pool: pool, lock: lock)
        } catch {
            lock.release()
            throw StoreError.wrap(error, operation: "open \(directory)/stowage.db")
        }
    }

    /// The writer connection's `PRAGMA synchronous` as SQLite reports it (0 off, 1 normal, 2 full, 3 extra).
    public func writerSynchronousLevel() async throws -> Int {
        do {
            return try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        } catch {
            throw StoreError.wrap(error, operation: "read PRAGMA synchronous")
        }
    }

    /// Stops background work, ends every watch, closes the database and releases the lock.
    /// Writes queued before the call complete; writes after it throw ``StoreError/closed``. Idempotent.
    public func close() async {
        let first = closedFlag.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        await committer.close()
        hub.endAll()
        // GRDB's close waits, blocking, until every reader is back. On a thread of the cooperative pool that wait
        // can deadlock: a reader whose async read still has to resume on the pool is never given back when the
        // pool's few threads are all blocked. So it waits on a thread of its own.
        let pool = self.pool
        let failure: (any Error)? = await withCheckedContinuation { continuation in
            Thread {
                do {
                    try pool.close()
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }.start()
        }
        if let failure {
            logger.error("closing the database failed", metadata: ["directory": "\(directory)", "error": "\(failure)"])
        }
        lock.release()
    }

    /// Whether ``close()`` was called.
    var isClosed: Bool { closedFlag.withLock { $0 } }

    /// Group-commit counters since the store was opened: batches (transactions, so fsyncs), writes, largest batch.
    public var commitStatistics: CommitCounters { committer.statistics }

    /// Watches currently registered (for metrics and tests). A watch is unregistered when its consumer stops
    /// iterating (cancellation, break, or the stream's end).
    public var watcherCount: Int { hub.count }

    /// How many automatic compactions failed since the store was opened (each also logged as an error).
    public var compactionFailures: Int { compactor.failures }

    /// The revision of the last committed change (0 for an empty store).
    public func currentRevision() async throws -> Int64 {
        try await read("read the current revision") { db in try StoreQueries.currentRevision(db) }
    }

    /// The revision up to which the change log was compacted (0 when never): watches and list continuations
    /// from before it get Expired.
    public func compactedRevision() async throws -> Int64 {
        try await read("read the compacted revision") { db in try StoreQueries.compactedRevision(db) }
    }

    /// Reads one object: from memory when the last commit of it left it in the object cache, else from the
    /// database. Throws ``APIError`` NotFound.
    public func get<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T {
        let resource = T.resource.storageKey
        let namespace = Self.storageNamespace(T.self, key.namespace)
        if let latest = objectCache.latest(T.self, resource: resource, namespace: namespace, name: key.name) { return latest }
        let row = try await read("get \(resource) \(key)") { db in
            try Rows.current(db, resource: resource, namespace: namespace, name: key.name)
        }
        guard let row else { throw APIError.notFound(T.resource, key.name) }
        let stored = StoredRow(namespace: namespace, name: key.name, revision: row.revision, data: row.data)
        guard let object = try objectCache.decode(T.self, resource: resource, [stored]).first else {
            throw StoreError.database(operation: "get \(resource) \(key)", underlying: "the row was read but not decoded")
        }
        return object
    }

    // MARK: helpers shared by the extensions

    /// Runs `body` in a read transaction (a consistent snapshot), wrapping SQLite errors with `operation`.
    func read<R: Sendable>(_ operation: String, _ body: @escaping @Sendable (Database) throws -> R) async throws -> R {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError.wrap(error, operation: operation)
        }
    }

    /// The namespace column value for kind `T`: '' for cluster-scoped kinds.
    static func storageNamespace<T: APIObject>(_ type: T.Type, _ namespace: String?) -> String {
        T.resource.namespaced ? (namespace ?? "") : ""
    }

    /// Decodes stored JSON and sets `resourceVersion` to `revision`.
    static func decode<T: APIObject>(_ type: T.Type, _ data: Data, revision: Int64) throws -> T {
        var object = try APICodec.decode(T.self, from: data)
        object.metadata.resourceVersion = String(revision)
        return object
    }

    /// Encodes an object for storage, without `resourceVersion`.
    static func encodeForStorage<T: APIObject>(_ object: T) throws -> Data {
        var copy = object
        copy.metadata.resourceVersion = nil
        do {
            return try APICodec.encode(copy)
        } catch {
            throw StoreError.database(operation: "encode \(T.resource.storageKey) \(object.key)", underlying: "\(error)")
        }
    }
}
