import Foundation
import StowageCSI
import StowageLinux

/// A dynamic volume as recorded in the `volumes` table of `<state-dir>/hostpath.db`.
struct VolumeRecord: Codable, Sendable, Equatable {
    var name: String
    var capacityBytes: Int64
    var parameters: [String: String]
    var accessModes: [String]
    /// The project id when the size is enforced with a project quota.
    var projectID: UInt32?
    /// Why the size is not enforced, when it is not.
    var sizeNotEnforcedReason: String?
}

/// A published target as recorded in the `published` table of `<state-dir>/hostpath.db`.
struct PublishRecord: Codable, Sendable, Equatable {
    var volumeId: String
    var targetPath: String
    var readonly: Bool
    var accessMode: String
    var volumeContext: [String: String]
    /// What is bind-mounted onto the target.
    var source: String
    /// Whether the target is a file (a static hostPath of a file, socket or device), not a directory.
    var targetIsFile: Bool
}
