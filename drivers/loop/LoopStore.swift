#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageLinux

/// What the controller side knows about one volume; `<state>/volumes/loop/<id>.json` next to `<id>.img`.
struct VolumeRecord: Codable, Sendable, Equatable {
    /// The volume id, equal to the CreateVolume name (validated to be a safe file name).
    var id: String
    /// The backing file's size, a multiple of 1 MiB.
    var capacityBytes: Int64
    /// StorageClass parameters given at creation.
    var parameters: [String: String]
    /// `snapshot:<id>` or `volume:<id>` when pre-populated.
    var contentSource: String?
    /// When the volume was created (RFC 3339).
    var created: String
}

/// What the node side did with one volume; `<state>/node/loop/<id>.json`. Written before the mount it
/// describes (an intent), so a crash between the two is repaired by the next identical call.
struct NodeRecord: Codable, Sendable, Equatable {
    struct Publication: Codable, Sendable, Equatable {
        var readOnly: Bool
        var mode: String
    }
    var stagingPath: String
    /// Block access (the device node) rather than a mounted filesystem.
    var block: Bool
    /// The filesystem asked for at staging (mount access).
    var fsType: String?
    var mountFlags: [String]
    /// Targets, keyed by path.
    var publications: [String: Publication]
}

/// A snapshot: `<state>/snapshots/loop/<id>.json` next to `<id>.img`.
struct SnapshotRecord: Codable, Sendable, Equatable {
    var id: String
    var sourceVolumeId: String
    var sizeBytes: Int64
    var created: String
}

/// The driver's files. Every write is durable (DurableFile: temp file, fsync, rename, fsync the directory), and
/// nothing is ever deleted outside these directories.
struct LoopStore: Sendable {
    let volumes: String
    let snapshots: String
    let node: String

    init(stateDirectory: String) throws {
        volumes = "\(stateDirectory)/volumes/loop"
        snapshots = "\(stateDirectory)/snapshots/loop"
        node = "\(stateDirectory)/node/loop"
        for directory in [stateDirectory, volumes, snapshots, node] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
    }

    /// A volume or snapshot id is used as a file name: letters, digits, `.`, `_`, `-`; 1–128 characters; not
    /// starting with a dot. Kubernetes' `pvc-<uid>` fits.
    static func isValidID(_ id: String) -> Bool {
        guard (1...128).contains(id.utf8.count), !id.hasPrefix(".") else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    func image(_ id: String) -> String { "\(volumes)/\(id).img" }
    func snapshotImage(_ id: String) -> String { "\(snapshots)/\(id).img" }

    func volume(_ id: String) throws -> VolumeRecord? { try load("\(volumes)/\(id).json") }
    func save(_ record: VolumeRecord) throws { try store(record, "\(volumes)/\(record.id).json") }
    func removeVolume(_ id: String) throws { try DurableFile.remove("\(volumes)/\(id).json") }
    func allVolumes() throws -> [VolumeRecord] { try list(volumes) }

    func nodeRecord(_ id: String) throws -> NodeRecord? { try load("\(node)/\(id).json") }
    func save(_ record: NodeRecord, for id: String) throws { try store(record, "\(node)/\(id).json") }
    func removeNodeRecord(_ id: String) throws { try DurableFile.remove("\(node)/\(id).json") }

    func snapshot(_ id: String) throws -> SnapshotRecord? { try load("\(snapshots)/\(id).json") }
    func save(_ record: SnapshotRecord) throws { try store(record, "\(snapshots)/\(record.id).json") }
    func removeSnapshot(_ id: String) throws { try DurableFile.remove("\(snapshots)/\(id).json") }
    func allSnapshots() throws -> [SnapshotRecord] { try list(snapshots) }

    /// Bytes the backing filesystem can still hold (statfs f_bavail).
    func availableBytes() throws -> Int64 {
        var info = statvfs()
        try checkedSystemCall("statvfs", path: volumes) { statvfs(volumes, &info) }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }

    private func load<T: Decodable>(_ path: String) throws -> T? {
        guard let data = try DurableFile.read(path) else { return nil }
        return try JSONDecoder().decode(T.self, from: data)
    }

    private func store<T: Encodable>(_ value: T, _ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try DurableFile.write(try encoder.encode(value), to: path)
    }

    private func list<T: Decodable>(_ directory: String) throws -> [T] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return try names.filter { $0.hasSuffix(".json") }.sorted().compactMap { try load("\(directory)/\($0)") }
    }
}

/// One async lock per key (volume or snapshot id): calls for the same volume run one at a time, others in
/// parallel. Unlike an actor's methods, the critical section may suspend (mkfs runs as a subprocess).
actor KeyedLocks {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<T: Sendable>(_ key: String, _ body: @Sendable () async throws -> T) async throws -> T {
        await acquire(key)
        do {
            let value = try await body()
            release(key)
            return value
        } catch {
            release(key)
            throw error
        }
    }

    private func acquire(_ key: String) async {
        if waiters[key] == nil {
            waiters[key] = []
            return
        }
        await withCheckedContinuation { waiters[key]!.append($0) }
    }

    private func release(_ key: String) {
        guard var queue = waiters[key] else { return }
        if queue.isEmpty {
            waiters[key] = nil
        } else {
            let next = queue.removeFirst()
            waiters[key] = queue
            next.resume()
        }
    }
}

/// Sizes: everything is rounded up to whole MiB.
enum Sizes {
    static let mebibyte: Int64 = 1 << 20
    static let defaultBytes: Int64 = 1 << 30
    static func roundUp(_ bytes: Int64) -> Int64 { (bytes + mebibyte - 1) / mebibyte * mebibyte }
}

func rfc3339Now() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date())
}
