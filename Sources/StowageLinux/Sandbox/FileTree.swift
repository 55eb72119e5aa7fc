#if canImport(Glibc)
import Glibc
#endif

/// The small file operations a container's root is assembled with. Every one names its path in its error.
enum FileTree {
    /// Whether something (a file, directory, symlink…) is at `path`, without following a final symlink.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory itself (not a symlink to one).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The names in a directory, without `.` and `..`.
    static func entries(of directory: String) throws -> [String] {
        guard let stream = opendir(directory) else { throw LinuxError.lastError("opendir", path: directory) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p` (mode 0755 for what it creates).
    static func makeDirectories(_ path: String) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw LinuxError.lastError("mkdir", path: current)
            }
        }
    }

    /// Creates an empty file at `path` (an existing one is kept).
    static func makeFile(_ path: String) throws {
        let descriptor = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw LinuxError.lastError("open(O_CREAT)", path: path) }
        close(descriptor)
    }

    /// Makes `host` appear at `destination`: a symlink is re-created with the same target, a directory is
    /// bind-mounted recursively (its submounts come along), anything else (a file, a device, a socket) is
    /// bind-mounted onto an empty file.
    static func replicate(_ host: String, at destination: String) throws {
        var info = stat()
        guard lstat(host, &info) == 0 else { return }  // gone meanwhile
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(host, &buffer, buffer.count - 1)
            guard length >= 0 else { throw LinuxError.lastError("readlink", path: host) }
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            _ = try checkedSystemCall("symlink", path: destination) { symlink(target, destination) }
        case S_IFDIR:
            _ = try checkedSystemCall("mkdir", path: destination) { mkdir(destination, info.st_mode & 0o7777) }
            _ = try checkedSystemCall("mount(MS_BIND|MS_REC)", path: "\(host), \(destination)") {
                Glibc.mount(host, destination, nil, Mount.Flags([.bind, .recursive]).rawValue, nil)
            }
        default:
            try makeFile(destination)
            _ = try checkedSystemCall("mount(MS_BIND)", path: "\(host), \(destination)") {
                Glibc.mount(host, destination, nil, Mount.Flags.bind.rawValue, nil)
            }
        }
    }
}
