import Foundation
import GRDB
import StowageAPI

/// What ``Store/checkIntegrity()`` found.
public struct StoreIntegrityReport: Sendable {
    /// Every inconsistency found, in words; empty when the store is sound.
    public var problems: [String]
    /// The last committed revision.
    public var currentRevision: Int64
    /// Rows in the current-state table.
    public var objectCount: Int
    /// Rows in the change log, and its lowest and highest revisions (0 when empty).
    public var changeCount: Int
    public var lowestRevision: Int64
    public var highestRevision: Int64

    /// Whether no problem was found.
    public var isSound: Bool { problems.isEmpty }
}

extension Store {
    /// Checks the database: SQLite's `PRAGMA integrity_check`, and that the current state agrees with the change
    /// log (every object's row is the newest row of its key in the log, with the same data; every key whose
    /// newest row is not DELETED has an object; no revision is above the current revision).
    /// Reads one snapshot; safe while writes go on.
    /// - Throws: ``StoreError/database(operation:underlying:)`` when the checks cannot run.
    public func checkIntegrity() async throws -> StoreIntegrityReport {
        try await read("check the integrity of the database") { db in
            var problems: [String] = []
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if integrity != ["ok"] { problems.append("integrity_check: " + integrity.joined(separator: "; ")) }
            let current = try StoreQueries.currentRevision(db)
            let objects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM objects") ?? 0
            let stats = try Row.fetchOne(db, sql: "SELECT COUNT(*), COALESCE(MIN(revision), 0), COALESCE(MAX(revision), 0) FROM changes")
            let changes: Int = stats?[0] ?? 0
            let lowest: Int64 = stats?[1] ?? 0
            let highest: Int64 = stats?[2] ?? 0
            if highest > current { problems.append("change log revision \(highest) is above the current revision \(current)") }
            let orphans = try Row.fetchAll(db, sql: """
                SELECT o.resource, o.namespace, o.name, o.revision FROM objects o
                LEFT JOIN changes c ON c.revision = o.revision AND c.resource = o.resource AND c.namespace = o.namespace
                    AND c.name = o.name AND c.type <> 'DELETED' AND c.data = o.data
                WHERE c.revision IS NULL LIMIT 20
                """)
            for row in orphans {
                problems.append("object \(row[0] as String) \(row[1] as String)/\(row[2] as String) at revision \(row[3] as Int64) has no matching change")
            }
            let stale = try Row.fetchAll(db, sql: """
                SELECT c.resource, c.namespace, c.name, MAX(c.revision), c.type, o.revision FROM changes c
                LEFT JOIN objects o ON o.resource = c.resource AND o.namespace = c.namespace AND o.name = c.name
                GROUP BY c.resource, c.namespace, c.name
                """)
            for row in stale {
                let newest: Int64 = row[3]
                let type: String = row[4]
                let objectRevision: Int64? = row[5]
                if type == "DELETED", let objectRevision {
                    problems.append("\(row[0] as String) \(row[1] as String)/\(row[2] as String) was deleted at \(newest) but has an object at \(objectRevision)")
                } else if type != "DELETED", objectRevision != newest {
                    problems.append("\(row[0] as String) \(row[1] as String)/\(row[2] as String): newest change \(newest), object at \(objectRevision.map(String.init) ?? "none")")
                }
                if problems.count > 40 { break }
            }
            return StoreIntegrityReport(problems: problems, currentRevision: current, objectCount: objects,
                                        changeCount: changes, lowestRevision: lowest, highestRevision: highest)
        }
    }
}
