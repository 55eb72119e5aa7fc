import Foundation
import StowageLinux

/// Helpers for the tests that mount for real (as root): a scratch directory whose clean-up unmounts
/// everything below it (deepest first) before removing it, and a runner for the few tools used in setup.
enum LinuxTestSupport {
    static let isRoot = getuid() == 0

    /// A fresh directory under /tmp.
    static func scratchDirectory(_ label: String) throws -> String {
        let path = "/tmp/stowage-linux-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Mount points at or below `directory`.
    static func mountPoints(under directory: String) -> [String] {
        ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0 == directory || $0.hasPrefix(directory + "/") }
    }

    /// Unmounts everything below `directory` (lazily, deepest first) and removes it.
    static func cleanUp(_ directory: String) {
        for point in mountPoints(under: directory).sorted(by: { $0.count > $1.count }) {
            try? Mount.unmount(point, mode: .detach)
        }
        try? SafeRemoval.remove(path: directory)
    }

    /// Runs a program, returning its standard output; throws with its stderr when it fails.
    @discardableResult
    static func run(_ program: String, _ arguments: [String]) throws -> String {
        let result = try PipedProcess.run(program, arguments: arguments)
        guard result.status == 0 else {
            throw LinuxError(call: program, path: arguments.joined(separator: " "), detail: String(decoding: result.standardError, as: UTF8.self))
        }
        return String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `count` MiB to `path` in 1 MiB writes; returns how many MiB were written and the errno that stopped
    /// the writes (0 when all went through, including fsync).
    static func writeMiB(_ path: String, count: Int) -> (written: Int, errno: Int32) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return (0, errno) }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0xab, count: 1 << 20)
        for index in 0..<count {
            let result = chunk.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
            if result != chunk.count { return (index, result < 0 ? errno : ENOSPC) }
        }
        if fsync(fd) != 0 { return (count, errno) }
        return (count, 0)
    }
}
