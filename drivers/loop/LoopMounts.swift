#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageLinux

/// The loop driver's private mount helpers (mount(2)/umount2(2) and `/proc/self/mountinfo`), kept here until
/// they are unified with StowageLinux's mount module. Errors are `LinuxError`s naming the call and paths.
enum LoopMounts {
    /// Mounts the filesystem on `device` at `target` with `flags` (MS_*) and filesystem `data`.
    static func mount(device: String, at target: String, type: String, flags: UInt, data: String) throws {
        try checkedSystemCall("mount", path: "\(device), \(target)") {
            Glibc.mount(device, target, type, flags, data.isEmpty ? nil : data)
        }
    }

    /// Bind-mounts `source` onto `target`; read-only takes a second remount (the kernel ignores MS_RDONLY on
    /// the first bind).
    static func bind(_ source: String, to target: String, readOnly: Bool) throws {
        try checkedSystemCall("mount(MS_BIND)", path: "\(source), \(target)") {
            Glibc.mount(source, target, nil, UInt(MS_BIND), nil)
        }
        if readOnly {
            do {
                try checkedSystemCall("mount(MS_REMOUNT|MS_BIND|MS_RDONLY)", path: target) {
                    Glibc.mount(nil, target, nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil)
                }
            } catch {
                _ = umount2(target, 0)
                throw error
            }
        }
    }

    /// Unmounts every mount stacked on `target`; nothing mounted is not an error. A mount that is busy is tried
    /// again for up to a second: a process being spawned anywhere on the machine holds a copy of its parent's
    /// descriptors until it execs, so a device the parent had open can pin the mount for that instant.
    static func unmountAll(_ target: String) throws {
        var busySince: ContinuousClock.Instant?
        while try mounts().contains(where: { $0.mountPoint == target }) {
            do {
                try checkedSystemCall("umount2", path: target) { umount2(target, Int32(UMOUNT_NOFOLLOW)) }
            } catch let error as LinuxError where error.errno == EBUSY {
                let since = busySince ?? ContinuousClock.now
                busySince = since
                guard ContinuousClock.now - since < .seconds(1) else { throw error }
                usleep(20_000)
            }
        }
    }

    /// Whether `path` is a mount point (exactly, as `/proc/self/mountinfo` spells it). An unreadable mountinfo
    /// counts as mounted, so callers try to unmount (and fail loudly) rather than skip an unmount.
    static func isMountPoint(_ path: String) -> Bool {
        guard let entries = try? mounts() else { return true }
        return entries.contains { $0.mountPoint == path }
    }

    /// One line of `/proc/self/mountinfo`.
    struct Entry: Equatable {
        var mountPoint: String
        var root: String
        var options: String
        var source: String
        var fsType: String
        var readOnly: Bool { options.split(separator: ",").contains("ro") }
    }

    /// The current mounts. Paths are decoded leniently: another program's mount with a name that is not UTF-8
    /// must not hide ours.
    static func mounts() throws -> [Entry] {
        guard let data = try DurableFile.read("/proc/self/mountinfo") else {
            throw LinuxError(call: "open", path: "/proc/self/mountinfo", errno: ENOENT)
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash + 2 < fields.count else { return nil }
            return Entry(mountPoint: unescape(fields[4]), root: unescape(fields[3]), options: fields[5],
                         source: unescape(fields[dash + 2]), fsType: fields[dash + 1])
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as \ooo.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 3 < raw.count,
               let value = UInt8(String(decoding: raw[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// MS_* flags and filesystem data for CSI `mountFlags` (`ro`, `noatime`, `nodev`, … become flags; anything
    /// else is passed to the filesystem).
    static func parse(_ mountFlags: [String]) -> (flags: UInt, data: String) {
        let known: [String: UInt] = [
            "ro": UInt(MS_RDONLY), "nosuid": UInt(MS_NOSUID), "nodev": UInt(MS_NODEV), "noexec": UInt(MS_NOEXEC),
            "sync": UInt(MS_SYNCHRONOUS), "noatime": UInt(MS_NOATIME), "nodiratime": UInt(MS_NODIRATIME),
            "relatime": UInt(MS_RELATIME), "dirsync": UInt(MS_DIRSYNC), "lazytime": UInt(MS_LAZYTIME),
        ]
        var flags: UInt = 0
        var data: [String] = []
        for option in mountFlags.flatMap({ $0.split(separator: ",").map(String.init) }) where !option.isEmpty {
            if option == "rw" || option == "defaults" { continue }
            if let flag = known[option] { flags |= flag } else { data.append(option) }
        }
        return (flags, data.joined(separator: ","))
    }
}
