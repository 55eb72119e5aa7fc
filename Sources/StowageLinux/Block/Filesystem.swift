import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif
#if canImport(Glibc)
import Glibc
#endif

/// The filesystems the drivers make and grow, and the programs that do it (the only programs Stowage runs):
/// `mkfs.ext4`/`mkfs.xfs`, `e2fsck`, `resize2fs`, `xfs_growfs`. A failure is a `LinuxError` whose call is the
/// program and whose detail is its exit status and stderr.
public enum Filesystem: String, Sendable, CaseIterable {
    case ext4
    case xfs

    /// Formats `device`, but only after libblkid found it blank (no filesystem, no partition table).
    /// ext4 uses lazy inode-table and journal initialisation so formatting takes milliseconds, and reserves no
    /// blocks for root (`-m 0`); xfs uses defaults.
    /// - Throws: `LinuxError` with call `format` when the device is not blank (naming what is on it), or the
    ///   program's error.
    public func format(_ device: String, label: String? = nil) async throws {
        let contents = try BlockProbe.probe(device)
        guard contents.isBlank else {
            throw LinuxError(call: "format", path: device, detail: "refusing to format: the device holds \(contents)")
        }
        switch self {
        case .ext4:
            var arguments = ["-q", "-F", "-m", "0", "-E", "lazy_itable_init=1,lazy_journal_init=1"]
            if let label { arguments += ["-L", String(label.prefix(16))] }
            try await Self.runProgram("mkfs.ext4", arguments + [device])
        case .xfs:
            var arguments = ["-q", "-f"]
            if let label { arguments += ["-L", String(label.prefix(12))] }
            try await Self.runProgram("mkfs.xfs", arguments + [device])
        }
    }

    /// Checks an unmounted filesystem before it is mounted: `e2fsck -p` (repairs what is safe to repair; exit
    /// codes 0–2 mean usable) for ext4; nothing for xfs, whose log is replayed by the mount.
    public func check(_ device: String) async throws {
        switch self {
        case .ext4: try await Self.runProgram("e2fsck", ["-p", device], acceptedExitCodes: [0, 1, 2])
        case .xfs: return
        }
    }

    /// Grows a mounted filesystem to fill its device: `resize2fs DEVICE` (ext4, online) or
    /// `xfs_growfs MOUNTPOINT` (xfs).
    public func grow(device: String, mountPoint: String) async throws {
        switch self {
        case .ext4: try await Self.runProgram("resize2fs", [device])
        case .xfs: try await Self.runProgram("xfs_growfs", [mountPoint])
        }
    }

    /// Runs `program` (searched in PATH, then /sbin and /usr/sbin) and throws unless it exits with one of
    /// `acceptedExitCodes`.
    static func runProgram(_ program: String, _ arguments: [String], acceptedExitCodes: Set<Int32> = [0]) async throws {
        let executable: Executable
        if let found = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].first(where: { access("\($0)/\(program)", X_OK) == 0 }) {
            executable = .path(FilePath("\(found)/\(program)"))
        } else {
            executable = .name(program)
        }
        let result: ExecutionResult<Void, StringOutput<UTF8>, StringOutput<UTF8>>
        do {
            result = try await run(executable, arguments: Arguments(arguments), output: .string(limit: 64 << 10),
                                   error: .string(limit: 64 << 10))
        } catch {
            throw LinuxError(call: program, path: arguments.last ?? "", detail: "cannot run: \(error)")
        }
        switch result.terminationStatus {
        case .exited(let code) where acceptedExitCodes.contains(code):
            return
        case .exited(let code):
            let stderr = (result.standardError ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let stdout = (result.standardOutput ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            throw LinuxError(call: program, path: arguments.last ?? "",
                             detail: "exit status \(code): \(stderr.isEmpty ? stdout : stderr)")
        case .signaled(let signal):
            throw LinuxError(call: program, path: arguments.last ?? "", detail: "killed by signal \(signal)")
        }
    }
}
