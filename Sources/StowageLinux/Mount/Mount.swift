#if canImport(Glibc)
import Glibc
#endif

/// Mount and unmount through the system calls (no `mount(8)` shell-out). Every failure is a `LinuxError`
/// naming the call, the paths and errno. Callers serialise mounts of one target themselves.
public enum Mount {
    /// Flags of `mount(2)`, spelled like the kernel's `MS_*` constants.
    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt
        public init(rawValue: UInt) { self.rawValue = rawValue }
        public static let readOnly = Flags(rawValue: 1)          // MS_RDONLY
        public static let noSetUID = Flags(rawValue: 2)          // MS_NOSUID
        public static let noDevices = Flags(rawValue: 4)         // MS_NODEV
        public static let noExec = Flags(rawValue: 8)            // MS_NOEXEC
        public static let remount = Flags(rawValue: 32)          // MS_REMOUNT
        public static let bind = Flags(rawValue: 4096)           // MS_BIND
        public static let recursive = Flags(rawValue: 16384)     // MS_REC
        public static let `private` = Flags(rawValue: 1 << 18)   // MS_PRIVATE
    }

    /// Mounts a filesystem: `mount(source, target, type, flags, data)`.
    /// - Parameters:
    ///   - source: the device or pseudo source (`"/dev/loop3"`, `"tmpfs"`).
    ///   - type: the filesystem type (`"ext4"`, `"xfs"`, `"tmpfs"`).
    ///   - data: filesystem options (`"prjquota"`, `"size=67108864,mode=0777"`), or nil.
    /// - Throws: `LinuxError` with call `mount`.
    public static func mount(source: String, target: String, type: String, flags: Flags = [], data: String? = nil) throws {
        try checkedSystemCall("mount", path: "\(source), \(target)") {
            Glibc.mount(source, target, type, flags.rawValue, data)
        }
    }

    /// Bind-mounts `source` onto `target` (a directory onto a directory, or a file onto a file), read-only when
    /// asked. A read-only bind needs a second call (`MS_REMOUNT|MS_BIND|MS_RDONLY`); when that fails the bind
    /// is undone so no writable mount is left behind.
    /// - Throws: `LinuxError` (`mount` or `mount(remount,ro)`).
    public static func bind(_ source: String, to target: String, readOnly: Bool = false) throws {
        try checkedSystemCall("mount(bind)", path: "\(source), \(target)") {
            Glibc.mount(source, target, nil, Flags.bind.rawValue, nil)
        }
        guard readOnly else { return }
        do {
            try remountReadOnly(target)
        } catch {
            _ = umount2(target, 0)
            throw error
        }
    }

    /// Makes an existing bind mount read-only (`MS_REMOUNT|MS_BIND|MS_RDONLY`); the source stays writable.
    /// - Throws: `LinuxError` with call `mount(remount,ro)`.
    public static func remountReadOnly(_ target: String) throws {
        try checkedSystemCall("mount(remount,ro)", path: target) {
            Glibc.mount(nil, target, nil, Flags([.remount, .bind, .readOnly]).rawValue, nil)
        }
    }

    /// Mounts a tmpfs of `sizeBytes` (a hard limit: writes past it fail with ENOSPC) with `mode` at `target`.
    /// - Throws: `LinuxError` with call `mount`.
    public static func tmpfs(at target: String, sizeBytes: Int64, mode: mode_t = 0o777, flags: Flags = [.noDevices, .noSetUID]) throws {
        let data = "size=\(sizeBytes),mode=\(String(mode, radix: 8))"
        try mount(source: "tmpfs", target: target, type: "tmpfs", flags: flags, data: data)
    }

    /// How `unmount` detaches.
    public enum UnmountMode: Sendable {
        /// Fail with EBUSY when something still uses the mount after ``busyGrace``.
        case normal
        /// `MNT_DETACH`: detach now, free when the last user goes (lazy).
        case detach
    }

    /// How long a busy mount is tried again before `unmount` gives up: anything on the machine that is starting a
    /// process (its child holds the parent's descriptors until it execs) or a container (its new mount namespace
    /// holds a propagated copy until it makes its mounts private) can pin a mount for an instant.
    public static let busyGrace = Duration.seconds(1)

    /// Unmounts `target` (never following a symlink at `target`); a busy mount is tried again every 20 ms for up
    /// to ``busyGrace``. An unmounted path is an error (EINVAL).
    /// - Throws: `LinuxError` with call `umount2` (EBUSY when the mount is still in use after the grace).
    public static func unmount(_ target: String, mode: UnmountMode = .normal) throws {
        let flags: Int32 = (mode == .detach ? 2 : 0) | 8  // MNT_DETACH, UMOUNT_NOFOLLOW
        let deadline = ContinuousClock.now.advanced(by: busyGrace)
        var wasBusy = false
        while true {
            do {
                try checkedSystemCall("umount2", path: target) { umount2(target, flags) }
                return
            } catch let error as LinuxError where error.errno == EBUSY && ContinuousClock.now < deadline {
                wasBusy = true
                usleep(20_000)
            } catch let error as LinuxError where error.errno == EINVAL && wasBusy {
                return  // unmounted by someone else while it was busy for us: the outcome asked for
            }
        }
    }

    /// Unmounts every mount stacked on `target` (a target can be mounted more than once); returns how many
    /// were removed. Nothing mounted there is not an error.
    /// - Throws: `LinuxError` from reading mountinfo or `umount2`.
    @discardableResult
    public static func unmountAll(_ target: String, mode: UnmountMode = .normal) throws -> Int {
        var count = 0
        while try MountInfo.isMountPoint(target) {
            try unmount(target, mode: mode)
            count += 1
        }
        return count
    }
}
