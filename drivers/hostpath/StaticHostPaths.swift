#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

/// Static volumes: a PV's `hostPath` (path and Kubernetes `type`) published by bind mount, for paths under an
/// allowed prefix only (by default just the driver's base directory).
struct StaticHostPaths: Sendable {
    /// Absolute, normalised prefixes a static path must be under.
    let allowedPrefixes: [String]

    /// The path of a static volume's context, checked against the allow-list and its `type`; nil for a dynamic
    /// volume. Creates what `DirectoryOrCreate` and `FileOrCreate` ask for.
    func resolve(_ context: [String: String]) throws -> String? {
        guard let raw = context[HostPathDriver.ContextKey.path] else { return nil }
        guard raw.hasPrefix("/") else { throw CSIError(.invalidArgument, "hostPath \(raw) must be absolute") }
        if raw.split(separator: "/").contains("..") { throw CSIError(.invalidArgument, "hostPath \(raw) must not contain \"..\"") }
        let path = (raw as NSString).standardizingPath
        guard allowedPrefixes.contains(where: { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
            throw CSIError(.permissionDenied, "hostPath \(path) is outside the allowed host paths (\(allowedPrefixes.joined(separator: ", "))); an administrator can add it with --allowed-host-paths")
        }
        try check(path, type: context[HostPathDriver.ContextKey.type] ?? "")
        return path
    }

    /// Kubernetes' hostPath `type` checks.
    private func check(_ path: String, type: String) throws {
        var info = stat()
        let exists = lstat(path, &info) == 0
        let kind = info.st_mode & S_IFMT
        func fail(_ expected: String) -> CSIError {
            CSIError(.failedPrecondition, "hostPath type check failed: \(path) is not a \(expected)")
        }
        switch type {
        case "":
            return
        case "DirectoryOrCreate":
            if !exists {
                if mkdir(path, 0o755) != 0, errno != EEXIST { throw CSIError(.internal, "\(LinuxError.lastError("mkdir", path: path))") }
                return
            }
            if kind != S_IFDIR { throw fail("directory") }
        case "Directory":
            if !exists || kind != S_IFDIR { throw fail("directory") }
        case "FileOrCreate":
            if !exists {
                let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                if fd < 0, errno != EEXIST { throw CSIError(.internal, "\(LinuxError.lastError("open", path: path))") }
                if fd >= 0 { close(fd) }
                return
            }
            if kind != S_IFREG { throw fail("file") }
        case "File": if !exists || kind != S_IFREG { throw fail("file") }
        case "Socket": if !exists || kind != S_IFSOCK { throw fail("socket") }
        case "CharDevice": if !exists || kind != S_IFCHR { throw fail("character device") }
        case "BlockDevice": if !exists || kind != S_IFBLK { throw fail("block device") }
        default:
            throw CSIError(.invalidArgument, "hostPath type \"\(type)\" is not one of DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice")
        }
    }
}
