import Foundation
import StowageCSI
import StowageLinux

/// The driver's durable records: volumes, and where each is staged and published. Every change is written
/// (temp file, fsync, rename, fsync directory) before the call that made it returns; the file is read once at
/// start. An actor, so calls on the driver never interleave their read-modify-write.
actor HostPathState {
    struct VolumeRecord: Codable, Equatable {
        var name: String
        var capacityBytes: Int64
        var parameters: [String: String]
    }

    struct StagedRecord: Codable, Equatable {
        var stagingTargetPath: String
        var capability: VolumeCapability
        /// The directory bind-mounted at the staging path (a dynamic volume's directory or a static host path).
        var source: String
    }

    struct PublishedRecord: Codable, Equatable {
        var stagingTargetPath: String
        var readOnly: Bool
        var capability: VolumeCapability
    }

    private struct Snapshot: Codable {
        var volumes: [String: VolumeRecord] = [:]
        var staged: [String: StagedRecord] = [:]
        var published: [String: [String: PublishedRecord]] = [:]
    }

    let file: String
    private var snapshot: Snapshot

    init(stateDirectory: String) throws {
        file = stateDirectory + "/state.json"
        if let data = try DurableFile.read(file) {
            do {
                snapshot = try JSONDecoder().decode(Snapshot.self, from: data)
            } catch {
                throw CSIError(.internal, "the state file \(file) cannot be read: \(error); move it away to start empty")
            }
        } else {
            snapshot = Snapshot()
        }
    }

    var volumes: [String: VolumeRecord] { snapshot.volumes }
    func volume(_ id: String) -> VolumeRecord? { snapshot.volumes[id] }
    func staged(_ id: String) -> StagedRecord? { snapshot.staged[id] }
    func published(_ id: String) -> [String: PublishedRecord] { snapshot.published[id] ?? [:] }
    func allPublished() -> [String: [String: PublishedRecord]] { snapshot.published }

    /// Runs `change` on the records and saves them; a failed save leaves memory as it was.
    func update<Result>(_ change: (inout Records) throws -> Result) throws -> Result {
        var records = Records(volumes: snapshot.volumes, staged: snapshot.staged, published: snapshot.published)
        let result = try change(&records)
        let next = Snapshot(volumes: records.volumes, staged: records.staged, published: records.published)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        do {
            try DurableFile.write(try encoder.encode(next), to: file)
        } catch {
            throw CSIError(.internal, "cannot save the driver state: \(error)")
        }
        snapshot = next
        return result
    }

    /// The mutable view `update` hands out.
    struct Records {
        var volumes: [String: VolumeRecord]
        var staged: [String: StagedRecord]
        var published: [String: [String: PublishedRecord]]
    }
}
