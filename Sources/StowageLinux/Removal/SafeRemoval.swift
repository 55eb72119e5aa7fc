#if canImport(Glibc)
import Glibc
#endif

/// Recursive removal that cannot be tricked into deleting outside its root: it walks with directory file
/// descriptors (`openat` with `O_NOFOLLOW|O_DIRECTORY`), looks at every entry with `fstatat(AT_SYMLINK_NOFOLLOW)`,
/// removes symlinks as links (never their targets), and refuses to descend into another filesystem (a mount
/// inside the tree): unmount it first. A rename race cannot redirect it, because it never resolves a path
/// below the root again.
public enum SafeRemoval {
    /// Removes `name` (a directory, file or symlink) inside the directory `parent`, recursively.
    /// Missing is not an error.
    /// - Parameters:
    ///   - parent: an absolute directory path, opened once (it is trusted: the caller owns it).
    ///   - name: one path component (checked with `SafeName`).
    /// - Throws: `LinuxError`; `EXDEV` (call `remove`) when a mount is found inside the tree, `EINVAL` for an
    ///   unsafe name.
    public static func remove(_ name: String, in parent: String) throws {
        if let problem = SafeName.problem(with: name) {
            throw LinuxError(call: "remove", path: "\(parent)/\(name)", errno: EINVAL, detail: "name \(problem)")
        }
        let parentFD = try checkedSystemCall("open", path: parent) {
            open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        }
        defer { close(parentFD) }
        var parentInfo = stat()
        try checkedSystemCall("fstat", path: parent) { fstat(parentFD, &parentInfo) }
        try removeEntry(Array(name.utf8CString), in: parentFD, device: parentInfo.st_dev, path: "\(parent)/\(name)")
    }

    /// Removes `path` recursively: splits it into parent and last component and calls `remove(_:in:)`.
    public static func remove(path: String) throws {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else {
            throw LinuxError(call: "remove", path: path, errno: EINVAL, detail: "need an absolute path")
        }
        let parent = slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
        try remove(String(trimmed[trimmed.index(after: slash)...]), in: parent)
    }

    private static func removeEntry(_ name: [CChar], in directoryFD: Int32, device: dev_t, path: String) throws {
        var info = stat()
        if fstatat(directoryFD, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT { return }
            throw LinuxError.lastError("fstatat", path: path)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            if unlinkat(directoryFD, name, 0) != 0 && errno != ENOENT { throw LinuxError.lastError("unlinkat", path: path) }
            return
        }
        if info.st_dev != device {
            throw LinuxError(call: "remove", path: path, errno: EXDEV, detail: "another filesystem is mounted here; unmount it first")
        }
        let childFD = openat(directoryFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if childFD < 0 {
            if errno == ENOENT { return }
            throw LinuxError.lastError("openat", path: path)
        }
        var opened = stat()
        if fstat(childFD, &opened) != 0 || opened.st_ino != info.st_ino || opened.st_dev != info.st_dev {
            close(childFD)
            throw LinuxError(call: "openat", path: path, errno: EAGAIN, detail: "the directory changed while it was opened")
        }
        do {
            // The directory stream owns childFD; entries are read before any is removed (removal while
            // iterating may skip entries on some filesystems).
            guard let stream = fdopendir(childFD) else {
                close(childFD)
                throw LinuxError.lastError("fdopendir", path: path)
            }
            defer { closedir(stream) }
            while true {
                var names: [[CChar]] = []
                rewinddir(stream)
                while let entry = readdir(stream) {
                    // Raw bytes, not String: a name that is not UTF-8 must still be removable.
                    var child = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        raw.prefix(while: { $0 != 0 }).map { CChar(bitPattern: $0) }
                    }
                    if child == [46] || child == [46, 46] { continue }
                    child.append(0)
                    names.append(child)
                }
                if names.isEmpty { break }
                for child in names {
                    let shown = String(decoding: child.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    try removeEntry(child, in: dirfd(stream), device: device, path: "\(path)/\(shown)")
                }
            }
        }
        if unlinkat(directoryFD, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
            throw LinuxError.lastError("unlinkat(AT_REMOVEDIR)", path: path)
        }
    }
}
