#if canImport(Glibc)
import Glibc
#endif

/// Space a directory tree takes, measured by walking it (like `du -x`): allocated blocks of every entry,
/// never following a symlink and never crossing into another filesystem.
public enum DirectoryUsage {
    /// Allocated bytes and entries below (and including) `path`.
    /// - Throws: `LinuxError` when `path` cannot be opened; unreadable entries below it are skipped.
    public static func measure(_ path: String) throws -> (bytes: Int64, inodes: Int64) {
        let fd = try checkedSystemCall("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { close(fd); throw LinuxError.lastError("fstat", path: path) }
        var total = (bytes: Int64(info.st_blocks) * 512, inodes: Int64(1))
        walk(fd, device: info.st_dev, into: &total)
        return total
    }

    /// Adds the entries of the directory `fd` (closed here) to `total`.
    private static func walk(_ fd: Int32, device: dev_t, into total: inout (bytes: Int64, inodes: Int64)) {
        guard let stream = fdopendir(fd) else { close(fd); return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            var name = withUnsafeBytes(of: entry.pointee.d_name) { raw in raw.prefix(while: { $0 != 0 }).map { CChar(bitPattern: $0) } }
            if name == [46] || name == [46, 46] { continue }
            name.append(0)
            var info = stat()
            guard fstatat(dirfd(stream), name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            total.bytes += Int64(info.st_blocks) * 512
            total.inodes += 1
            if info.st_mode & S_IFMT == S_IFDIR && info.st_dev == device {
                let child = openat(dirfd(stream), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                if child >= 0 { walk(child, device: device, into: &total) }
            }
        }
    }
}
