#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Records of one kind, one JSON file each, replaced atomically (temp + rename) and all read back at start.
/// Not thread-safe: callers hold their own lock around every use.
public struct DurableRecordDirectory<Record: Codable & Equatable> {
    /// What the records must survive.
    public enum Durability: Sendable {
        /// Power loss: every write is fsynced, then its directory (`DurableFile`). An unreadable record found at
        /// start is an error: it means damage, not a lost write.
        case powerLoss
        /// Writes survive a crash of the process, not of the machine: no fsync. For records that describe mounts,
        /// which a power loss takes away anyway. An empty record found at start (a new file whose data never
        /// reached the disk) is dropped. Removals are still synced (the directory), so a record removed before a
        /// power loss never comes back to claim a target it no longer has.
        case processCrash
    }

    /// Where the files are.
    public let directory: String
    /// What the records survive.
    public let durability: Durability
    /// Every record, by key.
    public private(set) var records: [String: Record] = [:]
    private let fileName: (String) -> String

    /// Loads every record in `directory` (created 0700 if missing); `fileName` maps a key to its file name.
    public init(directory: String, key: (Record) -> String, fileName: @escaping (String) -> String,
                durability: Durability = .powerLoss) throws {
        self.directory = directory
        self.fileName = fileName
        self.durability = durability
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory) where entry.hasSuffix(".json") {
            guard let data = try DurableFile.read("\(directory)/\(entry)") else { continue }
            let record: Record
            do {
                record = try JSONDecoder().decode(Record.self, from: data)
            } catch where durability == .processCrash && data.allSatisfy({ $0 == 0 }) {
                // Empty (or zero-filled): a new record whose data a power loss kept from the disk. Anything else
                // that does not decode is damage, and an error like any other.
                unlink("\(directory)/\(entry)")
                continue
            } catch {
                throw LinuxError(call: "decode", path: "\(directory)/\(entry)", detail: "\(error)")
            }
            records[key(record)] = record
        }
    }

    /// The record under `key`.
    public subscript(key: String) -> Record? { records[key] }

    /// Writes `record` under `key` (a no-op when unchanged).
    public mutating func put(_ key: String, _ record: Record) throws {
        if records[key] == record { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(record)
        let path = "\(directory)/\(fileName(key))"
        switch durability {
        case .powerLoss: try DurableFile.write(data, to: path)
        case .processCrash: try DurableFile.replace(data, at: path)
        }
        records[key] = record
    }

    /// Removes the record under `key`, durably; missing is fine.
    public mutating func remove(_ key: String) throws {
        let path = "\(directory)/\(fileName(key))"
        switch durability {
        case .powerLoss: try DurableFile.remove(path)
        case .processCrash:
            // Synced like a durable removal: a record that came back after a power loss would keep claiming its
            // target (blocking a delete, or a single-writer publish elsewhere).
            try DurableFile.remove(path)
        }
        records[key] = nil
    }
}

/// A stable file name for a path: FNV-1a 64 of the path (the record holds the path itself).
public func pathHashFileName(_ target: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in target.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    let hex = String(hash, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex + ".json"
}

/// `path` without repeated or trailing slashes and `.` components; nil when it is not absolute or contains `..`.
public func cleanAbsolutePath(_ path: String) -> String? {
    guard path.hasPrefix("/") else { return nil }
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
        if part == ".." { return nil }
        parts.append(part)
    }
    return "/" + parts.joined(separator: "/")
}
