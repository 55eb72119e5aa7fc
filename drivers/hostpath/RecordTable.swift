import Foundation
import GRDB
import StowageLinux

/// The driver's SQLite database, `<state-dir>/hostpath.db`: write-ahead log, `synchronous = FULL`.
enum RecordDatabase {
    /// Opens (creating) the database at `path`, mode 0600.
    static func open(_ path: String) throws -> DatabaseQueue {
        let existed = FileManager.default.fileExists(atPath: path)
        let queue = try DatabaseQueue(path: path)
        if !existed { try checkedSystemCall("chmod", path: path) { chmod(path, 0o600) } }
        let level = try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            // Every commit syncs the log: an acknowledged CreateVolume survives a power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
        }
        // Read back, because a library that sets its own level after ours would silently undo it (GRDB's
        // DatabasePool does, which is why the store sets its level last).
        guard level == 2 else {
            throw LinuxError(call: "PRAGMA synchronous", path: path, detail: "SQLite reports level \(level), not FULL (2)")
        }
        return queue
    }
}

/// Records of one kind, one row each in a table of the driver's database, all read at start. A put or a remove
/// is one transaction, made durable by one sync of the write-ahead log, where a record file costs two metadata
/// syncs (the new file, then its directory): the difference is most of what a CreateVolume costs.
///
/// A table that is not `synced` commits its puts without that sync (`synchronous = NORMAL` for the one
/// transaction): they survive a crash of the driver, not a power loss — for records of mounts, which a power
/// loss takes away anyway — and cost no new inode either, which on ext4 is 0.3–0.6 ms right after a journal
/// commit. Removals are always synced, so a removed record never comes back.
/// Not thread-safe: callers hold their own lock around every use.
struct RecordTable<Record: Codable & Equatable> {
    private let database: DatabaseQueue
    private let table: String
    private let synced: Bool
    /// Every record, by key.
    private(set) var records: [String: Record] = [:]

    /// Loads the table `table` (created when missing), first moving into it the records of `legacy`, a directory
    /// of one JSON file per record as earlier versions kept them (the files are removed once the rows are
    /// committed, so an interrupted move is finished by the next start; for a table that is not `synced`, an
    /// empty file — written without fsync before a power loss — is dropped, as those versions did).
    init(database: DatabaseQueue, table: String, key: @escaping (Record) -> String, synced: Bool = true,
         importing legacy: (directory: String, fileName: (String) -> String)? = nil) throws {
        self.database = database
        self.table = table
        self.synced = synced
        try database.write { db in
            try db.execute(sql: "CREATE TABLE IF NOT EXISTS \(table) (key TEXT PRIMARY KEY NOT NULL, json BLOB NOT NULL) WITHOUT ROWID")
        }
        if let legacy, FileManager.default.fileExists(atPath: legacy.directory) {
            var files = try DurableRecordDirectory<Record>(directory: legacy.directory, key: key, fileName: legacy.fileName,
                                                           durability: synced ? .powerLoss : .processCrash)
            let found = files.records
            if !found.isEmpty {
                try database.write { db in
                    for (key, record) in found {
                        // A row already there was written after the file: it wins.
                        try db.execute(sql: "INSERT OR IGNORE INTO \(table) (key, json) VALUES (?, ?)",
                                       arguments: [key, try Self.encode(record)])
                    }
                }
                for key in found.keys { try files.remove(key) }
            }
        }
        let rows = try database.read { db in try Row.fetchAll(db, sql: "SELECT key, json FROM \(table)") }
        for row in rows {
            let key: String = row["key"]
            let data: Data = row["json"]
            do {
                records[key] = try JSONDecoder().decode(Record.self, from: data)
            } catch {
                throw LinuxError(call: "decode", path: "\(database.path) table \(table) key \(key)", detail: "\(error)")
            }
        }
    }

    /// The record under `key`.
    subscript(key: String) -> Record? { records[key] }

    /// Writes `record` under `key` (a no-op when unchanged): durably, or for a table that is not `synced`, so
    /// that it survives a crash of the process.
    mutating func put(_ key: String, _ record: Record) throws {
        if records[key] == record { return }
        let data = try Self.encode(record)
        try database.writeWithoutTransaction { db in
            if !synced { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
            let written = Result {
                try db.inTransaction {
                    try db.execute(sql: "INSERT OR REPLACE INTO \(table) (key, json) VALUES (?, ?)", arguments: [key, data])
                    return .commit
                }
            }
            // Back to FULL before anything else commits, whatever happened.
            if !synced { try db.execute(sql: "PRAGMA synchronous = FULL") }
            try written.get()
        }
        records[key] = record
    }

    /// Removes the record under `key`, durably; missing is fine.
    mutating func remove(_ key: String) throws {
        guard records[key] != nil else { return }
        try database.write { db in try db.execute(sql: "DELETE FROM \(table) WHERE key = ?", arguments: [key]) }
        records[key] = nil
    }

    private static func encode(_ record: Record) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(record)
    }
}
