#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One line of `/proc/self/mountinfo`.
public struct MountEntry: Sendable, Equatable {
    public var mountID: Int
    public var parentID: Int
    /// `major:minor` of the device.
    public var device: String
    /// The path inside the mounted filesystem that is mounted here (`/` for a whole filesystem, a
    /// subdirectory for a bind mount of one).
    public var root: String
    public var mountPoint: String
    public var options: [String]
    public var filesystemType: String
    public var source: String
    public var superOptions: [String]

    public var isReadOnly: Bool { options.contains("ro") }
}

/// Reads `/proc/self/mountinfo`: what is mounted where, so drivers decide from the kernel's view, not memory.
public enum MountTable {
    /// Parses mountinfo text; octal escapes (`\040` for a space) in paths are decoded. Malformed lines are skipped.
    public static func parse(_ text: String) -> [MountEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard fields.count >= 10, let separator = fields.firstIndex(of: "-"), separator >= 6, fields.count >= separator + 4,
                  let id = Int(fields[0]), let parent = Int(fields[1]) else { return nil }
            return MountEntry(mountID: id, parentID: parent, device: fields[2], root: unescape(fields[3]),
                              mountPoint: unescape(fields[4]), options: fields[5].split(separator: ",").map(String.init),
                              filesystemType: fields[separator + 1], source: unescape(fields[separator + 2]),
                              superOptions: fields[separator + 3].split(separator: ",").map(String.init))
        }
    }

    /// The current mounts of this process's mount namespace.
    public static func current() throws -> [MountEntry] {
        guard let data = try DurableFile.read("/proc/self/mountinfo") else {
            throw LinuxError(call: "open", path: "/proc/self/mountinfo", errno: ENOENT)
        }
        return parse(String(decoding: data, as: UTF8.self))
    }

    /// The entries mounted exactly at `path` (innermost last), after resolving `..` and duplicate slashes.
    public static func mounts(at path: String) -> [MountEntry] {
        let wanted = (path as NSString).standardizingPath
        return ((try? current()) ?? []).filter { $0.mountPoint == wanted }
    }

    /// Whether something is mounted exactly at `path`.
    public static func isMountPoint(_ path: String) -> Bool { !mounts(at: path).isEmpty }

    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
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
