#if canImport(Glibc)
import Glibc
#endif

/// A `volumeMounts[].subPath` opened safely (the CVE-2021-25741 class): one component at a time from the volume's
/// root with `O_NOFOLLOW`, refusing `..` and symlinks, creating missing directories as kubelet does. The caller
/// mounts the result through `/proc/self/fd/N`, which names exactly the opened directory — a symlink swapped in
/// afterwards cannot redirect the mount outside the volume.
public enum SubPath {
    private static let pathOnly: Int32 = 0o10000000  // O_PATH

    /// Opens `subPath` inside `volume`; returns an `O_PATH` descriptor the caller closes.
    /// - Throws: `LinuxError` (EINVAL for an absolute path, `..` or a symlink on the way; or the failing call).
    public static func open(_ subPath: String, in volume: String) throws -> Int32 {
        guard !subPath.hasPrefix("/") else {
            throw LinuxError(call: "subPath", path: subPath, errno: EINVAL, detail: "subPath must be a relative path")
        }
        var descriptor = Glibc.open(volume, pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw LinuxError.lastError("open", path: volume) }
        for component in subPath.split(separator: "/").map(String.init) where component != "." {
            if component == ".." {
                close(descriptor)
                throw LinuxError(call: "subPath", path: subPath, errno: EINVAL, detail: "subPath must not contain '..'")
            }
            var next = openat(descriptor, component, pathOnly | O_NOFOLLOW | O_CLOEXEC)
            if next < 0 && errno == ENOENT {
                if mkdirat(descriptor, component, 0o755) != 0 && errno != EEXIST {
                    let error = LinuxError.lastError("mkdirat", path: "\(volume)/\(subPath)")
                    close(descriptor)
                    throw error
                }
                next = openat(descriptor, component, pathOnly | O_NOFOLLOW | O_CLOEXEC)
            }
            guard next >= 0 else {
                let error = LinuxError.lastError("openat", path: "\(volume)/\(subPath)")
                close(descriptor)
                throw error
            }
            close(descriptor)
            descriptor = next
            var info = stat()
            if fstat(descriptor, &info) != 0 || info.st_mode & S_IFMT == S_IFLNK {
                close(descriptor)
                throw LinuxError(call: "subPath", path: "\(volume)/\(subPath)", errno: ELOOP,
                                 detail: "\(component) is a symlink; a subPath never follows one")
            }
        }
        return descriptor
    }
}
