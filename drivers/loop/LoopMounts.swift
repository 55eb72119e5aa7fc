#if canImport(Glibc)
import Glibc
#endif
import StowageLinux

/// The loop driver's use of StowageLinux's mount module: CSI `mountFlags` as `mount(2)` flags and data, and a
/// mount-point check that treats an unreadable mountinfo as mounted.
enum LoopMounts {
    /// Whether `path` is a mount point (exactly, as `/proc/self/mountinfo` spells it). An unreadable mountinfo
    /// counts as mounted, so callers try to unmount (and fail loudly) rather than skip an unmount.
    static func isMountPoint(_ path: String) -> Bool {
        (try? MountInfo.isMountPoint(path)) ?? true
    }

    /// `mount(2)` flags and filesystem data for CSI `mountFlags` (`ro`, `noatime`, `nodev`, … become flags;
    /// anything else is passed to the filesystem; nil when there is none).
    static func parse(_ mountFlags: [String]) -> (flags: Mount.Flags, data: String?) {
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
        return (Mount.Flags(rawValue: flags), data.isEmpty ? nil : data.joined(separator: ","))
    }
}
