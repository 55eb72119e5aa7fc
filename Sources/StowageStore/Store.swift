import StowageAPI

// INTERFACE SKELETON — the store helper implements these (bodies currently throw). Signatures are the
// contract with StowageClient; change them only together with the client.

/// The SQLite-backed object store: every committed change gets the next global revision, which becomes the
/// object's `resourceVersion`; changes are kept in a log that watches replay and compaction trims.
///
/// One `Store` per state directory per process: opening takes an exclusive lock on `<directory>/lock`.
/// All methods are safe to call concurrently; writes from concurrent callers are group-committed.
public final class Store: Sendable {
    /// Opens (creating when missing) the database `<directory>/stowage.db` and takes the directory lock.
    /// - Throws: ``StoreError`` `.locked` naming the holder's pid when another process owns the directory.
    public static func open(directory: String, options: StoreOptions = StoreOptions()) throws -> Store {
        throw StoreError.notImplemented
    }

    /// Stops background work, ends every watch, closes the database and releases the lock.
    public func close() async {}

    /// The revision of the last committed change (0 for an empty store).
    public func currentRevision() async throws -> Int64 { throw StoreError.notImplemented }

    /// Creates `object`: assigns `uid`, `creationTimestamp`, `resourceVersion`, `generation` 1, and a name from
    /// `generateName` when `name` is empty. Throws ``APIError`` AlreadyExists.
    public func create<T: APIObject>(_ object: T) async throws -> T { throw StoreError.notImplemented }

    /// Reads one object. Throws ``APIError`` NotFound.
    public func get<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T { throw StoreError.notImplemented }

    /// Lists objects of a kind in key order, consistent at one revision across pages.
    public func list<T: APIObject>(_ type: T.Type, _ options: StoreListOptions<T> = StoreListOptions()) async throws -> ObjectList<T> {
        throw StoreError.notImplemented
    }

    /// Replaces an object. Compare-and-swap when `metadata.resourceVersion` is set (``APIError`` Conflict when
    /// stale); unconditional otherwise. Keeps the stored status when the kind has a status subresource; keeps
    /// `uid`, `creationTimestamp`, `deletionTimestamp`; increases `generation` when the spec changed. Removing
    /// the last finalizer of an object being deleted deletes it (the returned object then carries the
    /// deletion's revision).
    public func update<T: APIObject>(_ object: T) async throws -> T { throw StoreError.notImplemented }

    /// Replaces only the status of an object (the `status` subresource), same concurrency rules as ``update(_:)``.
    public func updateStatus<T: APIObject>(_ object: T) async throws -> T { throw StoreError.notImplemented }

    /// Deletes an object: at once when it has no finalizers, else sets `deletionTimestamp` (and
    /// `deletionGracePeriodSeconds` 0) and keeps it until the last finalizer is removed.
    public func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, preconditions: DeletePreconditions = DeletePreconditions()) async throws -> DeleteOutcome<T> {
        throw StoreError.notImplemented
    }

    /// Watches a kind. With `options.resourceVersion` set, first replays every change after that revision, then
    /// streams live changes; without it, streams changes after the current revision. The stream ends with
    /// ``APIError`` Expired when the revision was compacted or when the watcher falls more than
    /// ``StoreOptions/watchBufferLimit`` events behind.
    public func watch<T: APIObject>(_ type: T.Type, _ options: StoreWatchOptions<T> = StoreWatchOptions()) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        throw StoreError.notImplemented
    }

    /// Removes log entries no longer needed at or below `revision` (superseded versions and deletion records),
    /// so watches and list continuations from before it get Expired. Returns how many entries were removed.
    @discardableResult
    public func compact(upTo revision: Int64) async throws -> Int { throw StoreError.notImplemented }
}
