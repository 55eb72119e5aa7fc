import Foundation
import GRDB

/// The database schema, as named forward-only migrations. A migration, once released, is never edited: a change
/// of schema is a new migration appended to ``migrator``.
///
/// Tables:
/// - `changes`: the revision log. `revision` (AUTOINCREMENT, so never reused once committed) is the global
///   revision and every object's `resourceVersion`. `data` is the object's JSON *without* `resourceVersion`
///   (the row's revision is injected on reading, so no write re-encodes JSON to stamp it). `prev_revision` is
///   the key's previous row (0 for none), used by filtered watches to tell ADDED/DELETED transitions.
/// - `objects`: the current state, one row per live object, its `revision` the row in `changes` that wrote it.
/// - `meta`: store-wide values (`compacted_revision`).
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: changes, objects, meta") { db in
            try db.execute(sql: """
                CREATE TABLE changes (
                    revision INTEGER PRIMARY KEY AUTOINCREMENT,
                    resource TEXT NOT NULL CHECK (resource <> ''),
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL CHECK (name <> ''),
                    type TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
                    prev_revision INTEGER NOT NULL DEFAULT 0 CHECK (prev_revision >= 0 AND prev_revision < revision),
                    data BLOB NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX changes_by_key ON changes (resource, namespace, name, revision);
                CREATE TABLE objects (
                    resource TEXT NOT NULL CHECK (resource <> ''),
                    namespace TEXT NOT NULL,
                    name TEXT NOT NULL CHECK (name <> ''),
                    revision INTEGER NOT NULL CHECK (revision > 0),
                    uid TEXT NOT NULL UNIQUE CHECK (uid <> ''),
                    data BLOB NOT NULL,
                    PRIMARY KEY (resource, namespace, name)
                ) WITHOUT ROWID;
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('compacted_revision', 0);
                """)
        }
        return migrator
    }
}

/// The kind of a logged change, stored in `changes.type`.
enum ChangeType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One committed row of the change log, as the watch hub publishes it.
struct ChangeRecord: Sendable {
    var revision: Int64
    var resource: String
    var namespace: String
    var name: String
    var type: ChangeType
    /// The object's JSON without `resourceVersion` (for DELETED: its last state).
    var data: Data
    /// The key's previous state (nil for ADDED), for filtered watches.
    var previous: Data?
    /// The revision of the previous state (0 for none).
    var previousRevision: Int64
    /// The writer's decoded copy of `data` with `resourceVersion` set to `revision`, when it had one: watchers
    /// and the object cache take it instead of decoding `data` again.
    var object: (any Sendable)? = nil
    /// The same for `previous` (its `resourceVersion` is `previousRevision`).
    var previousObject: (any Sendable)? = nil
}


/// Reads of store-wide values shared by the read paths.
enum StoreQueries {
    /// The last committed revision (0 for an empty store); from `sqlite_sequence`, so compaction of the newest
    /// rows never makes it go back.
    static func currentRevision(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'changes'") ?? 0
    }

    /// The revision up to which the log was compacted (0 when never).
    static func compactedRevision(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'compacted_revision'") ?? 0
    }

    /// Milliseconds since the Unix epoch, for `changes.created_at`.
    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
