#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Whole-file writes that survive a crash or power loss: the new contents go to a temporary file in the same
/// directory, are fsynced, renamed over the target, and the directory is fsynced. A reader sees the old file or
/// the new one, never a mixture or an empty file.
public enum DurableFile {
    /// Atomically replaces `path` with `data` (mode `mode`), durably.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        try write(data, to: path, mode: mode, sync: true)
    }

    /// Atomically replaces `path` with `data` without waiting for the disk: a crash of the process leaves the old
    /// file or the new one; a power loss may leave the old one, or an empty new one.
    public static func replace(_ data: Data, at path: String, mode: mode_t = 0o600) throws {
        try write(data, to: path, mode: mode, sync: false)
    }

    private static func write(_ data: Data, to path: String, mode: mode_t, sync: Bool) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try checkedSystemCall("open", path: temporary) {
            open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if Glibc.errno == EINTR { continue }
                        throw LinuxError.lastError("write", path: temporary)
                    }
                    offset += written
                }
            }
            if sync { try checkedSystemCall("fsync", path: temporary) { fsync(fd) } }
        }
        try checkedSystemCall("rename", path: "\(temporary), \(path)") { rename(temporary, path) }
        renamed = true
        if sync { try syncDirectory(directory.isEmpty ? "." : directory) }
    }

    /// Reads `path`, or returns nil when it does not exist.
    public static func read(_ path: String) throws -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if Glibc.errno == ENOENT { return nil }
            throw LinuxError.lastError("open", path: path)
        }
        defer { close(fd) }
        var result = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                throw LinuxError.lastError("read", path: path)
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// Deletes `path` (if present) and fsyncs its directory, so the removal is durable too.
    public static func remove(_ path: String) throws {
        if unlink(path) != 0 {
            if Glibc.errno == ENOENT { return }
            throw LinuxError.lastError("unlink", path: path)
        }
        let directory = (path as NSString).deletingLastPathComponent
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// fsyncs a directory so entries created, renamed or removed in it are on disk.
    public static func syncDirectory(_ directory: String) throws {
        let fd = try checkedSystemCall("open", path: directory) { open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        try checkedSystemCall("fsync", path: directory) { fsync(fd) }
    }
}
