import Foundation
import StowageCSI

/// The driver's settings, from the command line.
struct HostPathConfiguration: Sendable {
    /// Where dynamic volumes go, one directory per volume.
    var baseDirectory: String
    /// Where the driver's records go (`hostpath.db`).
    var stateDirectory: String
    /// Directories static hostPath volumes may come from (the base directory is always one of them).
    var allowList: [String]
    /// The node id reported by NodeGetInfo.
    var nodeID: String
    /// First project id this driver hands out (ids are per filesystem; keep drivers' ranges apart).
    var projectIDBase: UInt32

    init(_ line: DriverCommandLine) throws {
        stateDirectory = line.stateDirectory
        nodeID = line.nodeID
        baseDirectory = line.options["base-dir"] ?? "\(line.stateDirectory)/volumes/hostpath"
        guard baseDirectory.hasPrefix("/") else {
            throw DriverCommandLine.UsageError("--base-dir \"\(baseDirectory)\" must be an absolute path")
        }
        let extra = (line.options["host-path-allow-list"] ?? "").split(separator: ",").map(String.init)
        for directory in extra where !directory.hasPrefix("/") {
            throw DriverCommandLine.UsageError("--host-path-allow-list entry \"\(directory)\" must be an absolute path")
        }
        allowList = [baseDirectory] + extra
        if let text = line.options["project-id-base"] {
            guard let value = UInt32(text), value > 0 else {
                throw DriverCommandLine.UsageError("--project-id-base \"\(text)\" must be a positive 32-bit number")
            }
            projectIDBase = value
        } else {
            projectIDBase = 0x4850_0000  // "HP"
        }
    }
}
