#if canImport(Glibc)
import Glibc
#endif

/// Which directories of a container's root must be assembled in the tmpfs, and where the volumes go, with every
/// path resolved through the host's symlinks (a `mountPath` of `/var/run/x` lands in `/run/x`, as it would in an
/// image with that symlink).
struct RootPlan {
    /// The volumes, targets resolved, shallowest first (a deeper target is created inside the volume above it).
    var mounts: [ContainerLaunch.VolumeMount]
    var workingDirectory: String?
    /// Container directories rebuilt entry by entry: `/` (the tmpfs root always holds the host's entries, also
    /// for a container without volumes) and the ancestors of a path that does not exist on the host.
    var assembled: Set<String> = ["/"]
    /// Missing paths to create in the tmpfs, and whether each is a directory (else a file for a device).
    var placeholders: [String: Bool] = [:]

    init(_ launch: ContainerLaunch) throws {
        mounts = try launch.mounts.map { mount in
            var resolved = mount
            resolved.target = try Self.resolve(mount.target, what: mount.isDevice ? "devicePath" : "mountPath")
            return resolved
        }.sorted { Self.depth($0.target) < Self.depth($1.target) }
        workingDirectory = try launch.workingDirectory.map { try Self.resolve($0, what: "workingDir") }
        let targets = mounts.map(\.target)
        var wanted = mounts.map { (path: $0.target, isDirectory: !$0.isDevice, ownTarget: Optional($0.target)) }
        if let workingDirectory { wanted.append((workingDirectory, true, nil)) }
        for item in wanted where !FileTree.exists(item.path) {
            // Under another volume: made inside that volume once it is mounted, not in the tmpfs.
            if targets.contains(where: { $0 != item.ownTarget && Self.isAtOrUnder(item.path, $0) }) { continue }
            placeholders[item.path] = item.isDirectory
            for ancestor in Self.ancestors(of: item.path) {
                if targets.contains(where: { Self.isAtOrUnder(ancestor, $0) }) { break }
                assembled.insert(ancestor)
            }
        }
    }

    /// Rebuilds the assembled directories in `root` (parents first), then creates the placeholders.
    func assemble(in root: String) throws {
        let kept = Set(assembled).union(placeholders.keys)
        for directory in assembled.sorted(by: { Self.depth($0) < Self.depth($1) }) {
            let destination = directory == "/" ? root : root + directory
            try FileTree.makeDirectories(destination)
            guard FileTree.isDirectory(directory) else { continue }  // not on the host: only what is wanted in it
            for name in try FileTree.entries(of: directory) {
                let path = Self.join(directory, name)
                if kept.contains(path) { continue }
                try FileTree.replicate(path, at: Self.join(destination, name))
            }
        }
        for (path, isDirectory) in placeholders {
            if isDirectory {
                try FileTree.makeDirectories(root + path)
            } else {
                try FileTree.makeDirectories(FileTree.parent(of: root + path))
                try FileTree.makeFile(root + path)
            }
        }
    }

    /// `path` with every symlink in its existing part resolved on the host; the missing rest appended.
    /// - Throws: `LinuxError` (EINVAL) for a relative path, a `..` element, or a dangling symlink on the way.
    static func resolve(_ path: String, what: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw LinuxError(call: "resolve", path: path, errno: EINVAL, detail: "\(what) must be an absolute path")
        }
        let components = path.split(separator: "/").map(String.init).filter { $0 != "." }
        if components.contains("..") {
            throw LinuxError(call: "resolve", path: path, errno: EINVAL, detail: "\(what) must not contain '..'")
        }
        var current = "/"
        for (index, component) in components.enumerated() {
            let candidate = join(current, component)
            var info = stat()
            guard lstat(candidate, &info) == 0 else {
                return components[index...].reduce(current) { join($0, $1) }
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                guard let real = realpath(candidate, nil) else {
                    throw LinuxError(call: "realpath", path: candidate, errno: errno, detail: "\(what) \(path) goes through a dangling symlink")
                }
                current = String(cString: real)
                free(real)
            } else {
                current = candidate
            }
        }
        return current
    }

    static func join(_ directory: String, _ name: String) -> String { directory == "/" ? "/" + name : directory + "/" + name }

    static func depth(_ path: String) -> Int { path.split(separator: "/").count }

    static func isAtOrUnder(_ path: String, _ base: String) -> Bool {
        path == base || base == "/" || path.hasPrefix(base + "/")
    }

    /// `/`, `/a`, `/a/b` for `/a/b/c`.
    static func ancestors(of path: String) -> [String] {
        var result = ["/"]
        var current = "/"
        for component in path.split(separator: "/").dropLast() {
            current = join(current, String(component))
            result.append(current)
        }
        return result
    }
}
