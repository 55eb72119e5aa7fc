#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One line of `/proc/self/mountinfo` (proc(5)), with the octal escapes (`\040` for a space) decoded.
public struct MountInfo: Sendable, Equatable {
    /// Unique id of the mount.
    public var mountID: Int
    /// Id of the parent mount.
    public var parentID: Int
    /// `major:minor` of the filesystem's device (`st_dev`).
    public var device: String
    /// The directory of the filesystem that forms the root of this mount (`/` unless a bind of a subtree).
    public var root: String
    /// Where it is mounted.
    public var mountPoint: String
    /// Per-mount options (`rw,nosuid,relatime`).
    public var mountOptions: [String]
    /// Filesystem type (`xfs`, `ext4`, `tmpfs`).
    public var fsType: String
    /// The mount source (`/dev/loop3`, `tmpfs`).
    public var source: String
    /// Per-superblock options (`rw,prjquota`).
    public var superOptions: [String]

    /// Whether the mount is read-only (`ro` in the per-mount options).
    public var isReadOnly: Bool { mountOptions.contains("ro") }

    /// Parses mountinfo text; malformed lines are skipped.
    public static func parse(_ text: String) -> [MountInfo] {
        text.split(separator: "\n").compactMap { parseLine(Substring($0)) }
    }

    /// Parses one mountinfo line, or nil when it is malformed.
    public static func parseLine(_ line: Substring) -> MountInfo? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 10, let separator = fields.firstIndex(of: "-"), separator >= 6,
              fields.count >= separator + 3,
              let id = Int(fields[0]), let parent = Int(fields[1]) else { return nil }
        return MountInfo(
            mountID: id, parentID: parent, device: String(fields[2]), root: unescape(fields[3]),
            mountPoint: unescape(fields[4]), mountOptions: fields[5].split(separator: ",").map(String.init),
            fsType: unescape(fields[separator + 1]), source: unescape(fields[separator + 2]),
            superOptions: separator + 3 < fields.count ? fields[separator + 3].split(separator: ",").map(String.init) : [])
    }

    /// Decodes the kernel's `\ooo` octal escapes (space, tab, newline, backslash).
    public static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count {
                let digits = utf8[(i + 1)...(i + 3)]
                if digits.allSatisfy({ $0 >= 48 && $0 <= 55 }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - 48) }
                    if value < 256 { bytes.append(UInt8(value)); i += 4; continue }
                }
            }
            bytes.append(utf8[i])
            i += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The current mount table of this process's mount namespace.
    /// - Throws: `LinuxError` when `/proc/self/mountinfo` cannot be read.
    public static func current() throws -> [MountInfo] {
        guard let data = try DurableFile.read("/proc/self/mountinfo") else {
            throw LinuxError(call: "open", path: "/proc/self/mountinfo", errno: ENOENT)
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// What is mounted at `path` (the topmost mount when several are stacked), or nil when `path` is not a
    /// mount point. `path` is compared as given after removing a trailing slash; pass absolute, resolved paths.
    public static func mounted(at path: String, in table: [MountInfo]? = nil) throws -> MountInfo? {
        let wanted = normalize(path)
        return try (table ?? current()).last { $0.mountPoint == wanted }
    }

    /// Whether `path` is a mount point.
    public static func isMountPoint(_ path: String) throws -> Bool { try mounted(at: path) != nil }

    /// The mount that holds `path`: the longest mount point that is `path` or one of its ancestors.
    public static func containing(_ path: String, in table: [MountInfo]? = nil) throws -> MountInfo? {
        let wanted = normalize(path)
        var best: MountInfo?
        for entry in try table ?? current() {
            let point = entry.mountPoint
            let inside = wanted == point || point == "/" || wanted.hasPrefix(point + "/")
            if inside, point.count >= (best?.mountPoint.count ?? -1) { best = entry }
        }
        return best
    }

    static func normalize(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}
