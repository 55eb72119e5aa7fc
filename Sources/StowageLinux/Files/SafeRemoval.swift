#if canImport(Glibc)
import Glibc
#endif

/// Removes a directory tree without ever following a symlink and without leaving it: every step is relative to
/// an open directory descriptor (`openat` with `O_NOFOLLOW`, `unlinkat`), so a symlink is removed as a link and a
/// path swapped during the walk cannot redirect it. A mount point inside the tree (another device) stops the
/// removal with an error instead of deleting another filesystem's files.
public enum SafeRemoval {
    /// Removes `path` (a directory or a file) and everything below it. A missing path is not an error.
    public static func removeTree(_ path: String) throws {
        let parentPath = path.hasSuffix("/") ? String(path.dropLast()) : path
        let slash = parentPath.lastIndex(of: "/")
        let parent = slash.map { parentPath[..<$0].isEmpty ? "/" : String(parentPath[..<$0]) } ?? "."
        let name = slash.map { String(parentPath[parentPath.index(after: $0)...]) } ?? parentPath
        guard !name.isEmpty, name != ".", name != ".." else { throw LinuxError(call: "removeTree", path: path, detail: "not a removable path") }
        let parentFD = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parentFD >= 0 else {
            if errno == ENOENT { return }
            throw LinuxError.lastError("open", path: parent)
        }
        defer { close(parentFD) }
        var rootStat = stat()
        guard fstatat(parentFD, name, &rootStat, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw LinuxError.lastError("fstatat", path: path)
        }
        try remove(name, in: parentFD, displayPath: path, device: rootStat.st_dev, stat: rootStat)
    }

    private static func remove(_ name: String, in parentFD: Int32, displayPath: String, device: UInt, stat entry: stat) throws {
        if (entry.st_mode & S_IFMT) == S_IFDIR {
            guard entry.st_dev == device else {
                throw LinuxError(call: "removeTree", path: displayPath, detail: "another filesystem is mounted here; unmount it first")
            }
            let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw LinuxError.lastError("openat", path: displayPath) }
            guard let directory = fdopendir(fd) else {
                close(fd)
                throw LinuxError.lastError("fdopendir", path: displayPath)
            }
            defer { closedir(directory) }
            var children: [String] = []
            while let item = readdir(directory) {
                let child = withUnsafeBytes(of: item.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if child != ".", child != ".." { children.append(child) }
            }
            for child in children {
                var childStat = stat()
                guard fstatat(fd, child, &childStat, AT_SYMLINK_NOFOLLOW) == 0 else {
                    if errno == ENOENT { continue }
                    throw LinuxError.lastError("fstatat", path: displayPath + "/" + child)
                }
                try remove(child, in: fd, displayPath: displayPath + "/" + child, device: device, stat: childStat)
            }
            if unlinkat(parentFD, name, AT_REMOVEDIR) != 0, errno != ENOENT {
                throw LinuxError.lastError("unlinkat(AT_REMOVEDIR)", path: displayPath)
            }
        } else if unlinkat(parentFD, name, 0) != 0, errno != ENOENT {
            throw LinuxError.lastError("unlinkat", path: displayPath)
        }
    }
}
