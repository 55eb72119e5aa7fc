import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the suite looks at on the host to assert on the world rather than on answers: which paths are mount
/// points, what kind of file a target is, and the clean-up of anything a misbehaving driver left mounted.
enum HostPaths {
    /// The kinds of filesystem object a target can be.
    enum FileKind: Equatable, CustomStringConvertible {
        case missing, directory, regularFile, blockDevice, other

        var description: String {
            switch self {
            case .missing: "missing"
            case .directory: "a directory"
            case .regularFile: "a regular file"
            case .blockDevice: "a block device"
            case .other: "neither a directory, a file nor a block device"
            }
        }
    }

    /// What `path` is, following symlinks (a bind-mounted device node shows as a block device).
    static func kind(of path: String) -> FileKind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regularFile
        case S_IFBLK: return .blockDevice
        default: return .other
        }
    }

    /// Every mount point of this mount namespace (field 5 of /proc/self/mountinfo, octal escapes decoded).
    static func mountPoints() -> [String] {
        // Read to the end: Foundation's String(contentsOfFile:) stops short on a large procfs file.
        guard let text = (FileHandle(forReadingAtPath: "/proc/self/mountinfo").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) }) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            return fields.count > 4 ? unescape(fields[4]) : nil
        }
    }

    /// Whether `path` is a mount point. (`stat` cannot tell a bind mount within one filesystem apart.)
    static func isMountPoint(_ path: String) -> Bool {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        return mountPoints().contains(resolved) || mountPoints().contains(path)
    }

    /// Whether `path` is on a read-only mount (statvfs ST_RDONLY).
    static func isReadOnly(_ path: String) -> Bool {
        var info = statvfs()
        return statvfs(path, &info) == 0 && (info.f_flag & UInt(ST_RDONLY)) != 0
    }

    /// Unmounts (lazily, deepest first) everything mounted at or under `directory`; returns what it unmounted.
    @discardableResult
    static func unmountAll(under directory: String) -> [String] {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        var unmounted: [String] = []
        for _ in 0..<8 {  // stacked mounts need more than one pass
            let points = mountPoints().filter { $0 == directory || $0.hasPrefix(prefix) }
            if points.isEmpty { break }
            for point in points.sorted(by: { $0.count > $1.count }) where umount2(point, Int32(MNT_DETACH)) == 0 {
                unmounted.append(point)
            }
        }
        return unmounted
    }

    /// Removes `directory` and its contents, but only when nothing is mounted under it any more: removing a
    /// tree with a volume still bind-mounted inside would delete the volume's data. Returns a reason when it
    /// did not remove it.
    @discardableResult
    static func removeTree(_ directory: String) -> String? {
        unmountAll(under: directory)
        let prefix = directory + "/"
        if let busy = mountPoints().first(where: { $0 == directory || $0.hasPrefix(prefix) }) {
            return "left \(directory) in place: \(busy) is still mounted"
        }
        do {
            if FileManager.default.fileExists(atPath: directory) {
                try FileManager.default.removeItem(atPath: directory)
            }
            return nil
        } catch {
            return "could not remove \(directory): \(error.localizedDescription)"
        }
    }

    private static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 4 <= utf8.count,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
