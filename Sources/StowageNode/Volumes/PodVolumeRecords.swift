import Foundation
import StowageLinux
import Synchronization

/// One volume the node set up for a pod, recorded before the driver is asked, so that a crash at any point leaves
/// a record of what to undo.
struct PublishedVolume: Codable, Sendable, Equatable {
    /// The volume's name in the pod spec.
    var name: String
    var driver: String
    var volumeId: String
    var targetPath: String
    /// Where the volume is staged on this node, when its driver stages volumes (shared by the pods using it).
    var stagingPath: String?
}

/// The node's durable record of what it mounted for each pod: `<pods>/<uid>/volumes.json`, replaced atomically and
/// fsynced. Read once at start, so a restarted node knows what to re-publish or tear down.
final class PodVolumeRecords: Sendable {
    let podsDirectory: String
    private let byPod: Mutex<[String: [PublishedVolume]]>

    /// Loads every pod's record under `podsDirectory` (created if missing).
    /// - Throws: a `NodeAgentError` naming a record file that cannot be read or decoded.
    init(podsDirectory: String) throws {
        self.podsDirectory = podsDirectory
        try FileManager.default.createDirectory(atPath: podsDirectory, withIntermediateDirectories: true)
        var loaded: [String: [PublishedVolume]] = [:]
        for uid in try FileManager.default.contentsOfDirectory(atPath: podsDirectory) where SafeName.isSafe(uid) {
            let path = Self.recordPath(podsDirectory, uid)
            guard let data = try DurableFile.read(path) else {
                loaded[uid] = []  // a pod directory without a record: torn down when its pod is gone
                continue
            }
            do {
                loaded[uid] = try JSONDecoder().decode([PublishedVolume].self, from: data)
            } catch {
                throw NodeAgentError("the volume record \(path) cannot be read: \(error)")
            }
        }
        byPod = Mutex(loaded)
    }

    /// `<pods>/<uid>`.
    func podDirectory(_ uid: String) -> String { "\(podsDirectory)/\(uid)" }

    /// The pods that have a directory or a record.
    var pods: [String] { byPod.withLock { Array($0.keys) } }

    /// What is recorded for pod `uid` (nil when nothing).
    func volumes(of uid: String) -> [PublishedVolume]? { byPod.withLock { $0[uid] } }

    /// Whether a pod other than `uid` has `volumeId` of `driver` staged at `stagingPath`.
    func isStaged(_ volume: PublishedVolume, byPodOtherThan uid: String) -> Bool {
        byPod.withLock { records in
            records.contains { pod, volumes in
                pod != uid && volumes.contains {
                    $0.driver == volume.driver && $0.volumeId == volume.volumeId && $0.stagingPath == volume.stagingPath
                }
            }
        }
    }

    /// Durably records `volumes` for pod `uid` (creating its directory).
    func set(_ volumes: [PublishedVolume], for uid: String) throws {
        guard SafeName.isSafe(uid) else { throw NodeAgentError("pod uid \(uid.debugDescription) cannot name a directory") }
        let directory = podDirectory(uid)
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
            try DurableFile.syncDirectory(podsDirectory)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try DurableFile.replace(try encoder.encode(volumes), at: Self.recordPath(podsDirectory, uid))
        byPod.withLock { $0[uid] = volumes }
    }

    /// Forgets pod `uid`: removes its record and its directory, which must hold no mount any more (the removal
    /// never crosses into another filesystem and never follows a symlink).
    func remove(_ uid: String) throws {
        guard SafeName.isSafe(uid) else { return }
        try DurableFile.remove(Self.recordPath(podsDirectory, uid))
        try SafeRemoval.remove(uid, in: podsDirectory)
        try DurableFile.syncDirectory(podsDirectory)
        byPod.withLock { _ = $0.removeValue(forKey: uid) }
    }

    private static func recordPath(_ podsDirectory: String, _ uid: String) -> String {
        "\(podsDirectory)/\(uid)/volumes.json"
    }
}

/// A node agent failure that is not a driver's answer: a record that cannot be read, a driver that is not running.
public struct NodeAgentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
