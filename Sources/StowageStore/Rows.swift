import Foundation
import GRDB

/// The statements that touch `changes` and `objects` on the write path. Every one is a cached prepared
/// statement: the writer connection prepares each SQL text once.
///
/// Threading: called only on the writer connection, inside a batch transaction.
enum Rows {
    /// The current row of one object.
    struct Current: Sendable {
        var revision: Int64
        var uid: String
        var data: Data
    }

    /// Appends a change and returns its revision (the new `resourceVersion`).
    static func appendChange(
        _ db: Database, resource: String, namespace: String, name: String, type: ChangeType, data: Data,
        previousRevision: Int64
    ) throws -> Int64 {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO changes (resource, namespace, name, type, prev_revision, data, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            resource, namespace, name, type.rawValue, previousRevision, data, StoreQueries.nowMilliseconds(),
        ])
        return db.lastInsertedRowID
    }

    /// Inserts a new object row. Returns false (and changes nothing) when the key exists.
    static func insertObject(
        _ db: Database, resource: String, namespace: String, name: String, revision: Int64, uid: String, data: Data
    ) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO objects (resource, namespace, name, revision, uid, data) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (resource, namespace, name) DO NOTHING
            """)
        try statement.execute(arguments: [resource, namespace, name, revision, uid, data])
        return db.changesCount == 1
    }

    /// Replaces an existing object row's revision and data.
    static func updateObject(
        _ db: Database, resource: String, namespace: String, name: String, revision: Int64, data: Data
    ) throws {
        let statement = try db.cachedStatement(sql: """
            UPDATE objects SET revision = ?, data = ? WHERE resource = ? AND namespace = ? AND name = ?
            """)
        try statement.execute(arguments: [revision, data, resource, namespace, name])
    }

    /// Removes an object row.
    static func deleteObject(_ db: Database, resource: String, namespace: String, name: String) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?")
        try statement.execute(arguments: [resource, namespace, name])
    }

    /// Whether an object exists.
    static func exists(_ db: Database, resource: String, namespace: String, name: String) throws -> Bool {
        let statement = try db.cachedStatement(sql: "SELECT 1 FROM objects WHERE resource = ? AND namespace = ? AND name = ?")
        return try Bool.fetchOne(statement, arguments: [resource, namespace, name]) ?? false
    }

    /// The current row of an object, nil when absent.
    static func current(_ db: Database, resource: String, namespace: String, name: String) throws -> Current? {
        let statement = try db.cachedStatement(sql: "SELECT revision, uid, data FROM objects WHERE resource = ? AND namespace = ? AND name = ?")
        guard let row = try Row.fetchOne(statement, arguments: [resource, namespace, name]) else { return nil }
        return Current(revision: row[0], uid: row[1], data: row[2])
    }
}
