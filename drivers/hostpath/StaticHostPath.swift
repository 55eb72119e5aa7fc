import Foundation
import StowageCSI
import StowageLinux

/// A static hostPath source: Kubernetes' `type` checks and the allow-list.
struct StaticHostPath {
    /// The path to bind-mount (absolute, no `..`, inside the allow-list after resolving symlinks).
    var path: String
    /// Whether the source is not a directory (the target is then a file).
    var isFile: Bool

    /// Checks `path` and `type` (Kubernetes `HostPathType`), creating the path for the `…OrCreate` types.
    /// - Throws: INVALID_ARGUMENT for a bad path or type, PERMISSION_DENIED outside the allow-list,
    ///   FAILED_PRECONDITION when the path is not what `type` requires.
    init(path raw: String, type: String, allowList: [String]) throws {
        guard let path = cleanAbsolutePath(raw) else {
            throw CSIError.invalidArgument("hostPath \(raw.debugDescription) must be an absolute path without \"..\"")
        }
        let known = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]
        guard known.contains(type) else {
            throw CSIError.invalidArgument("hostPath type \(type.debugDescription) is not one of \(known.dropFirst().joined(separator: ", ")) or empty")
        }
        // The allow-list is checked on the resolved path (or, for a path still to be created, its resolved parent).
        let parent = (path as NSString).deletingLastPathComponent
        let exists = Self.kind(of: path) != nil
        guard let resolved = exists ? Self.resolve(path) : Self.resolve(parent).map({ "\($0)/\((path as NSString).lastPathComponent)" }) else {
            throw CSIError(.failedPrecondition, "hostPath \(path): its parent directory \(parent) does not exist")
        }
        let allowed = allowList.compactMap { Self.resolve($0) ?? cleanAbsolutePath($0) }
        guard allowed.contains(where: { resolved == $0 || resolved.hasPrefix($0 == "/" ? "/" : $0 + "/") }) else {
            throw CSIError(.permissionDenied, "hostPath \(path) is outside the allowed directories (\(allowList.joined(separator: ", ")))")
        }
        switch type {
        case "DirectoryOrCreate" where !exists:
            if mkdir(resolved, 0o755) != 0 && errno != EEXIST { throw CSIError.internal("\(LinuxError.lastError("mkdir", path: resolved))") }
        case "FileOrCreate" where !exists:
            let fd = open(resolved, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 { throw CSIError.internal("\(LinuxError.lastError("open", path: resolved))") }
            close(fd)
        default: break
        }
        let kind = Self.kind(of: resolved)
        let wanted: mode_t? = switch type {
        case "DirectoryOrCreate", "Directory": S_IFDIR
        case "FileOrCreate", "File": S_IFREG
        case "Socket": S_IFSOCK
        case "CharDevice": S_IFCHR
        case "BlockDevice": S_IFBLK
        default: nil
        }
        guard let kind else { throw CSIError(.failedPrecondition, "hostPath \(path) does not exist") }
        if let wanted, kind != wanted {
            throw CSIError(.failedPrecondition, "hostPath \(path) is not a \(type == "DirectoryOrCreate" ? "Directory" : type == "FileOrCreate" ? "File" : type)")
        }
        self.path = resolved
        self.isFile = kind != S_IFDIR
    }

    /// The file type bits of `path` (following symlinks, as the bind mount will), or nil when it does not exist.
    static func kind(of path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    /// `path` with every symlink resolved, or nil when it does not exist.
    static func resolve(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
