#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// mount(2) and umount2(2) for the mounts the drivers make: bind mounts (read-only honoured), filesystem and
/// tmpfs mounts, unmounts. Errors name the call, the paths and errno.
public enum Mounts {
    /// Bind-mounts `source` onto `target`; with `readOnly`, remounts the bind read-only (a bind mount ignores
    /// MS_RDONLY on its first call, as the kernel documents).
    public static func bind(_ source: String, to target: String, readOnly: Bool = false) throws {
        try call("mount(bind)", "\(source), \(target)") { mount(source, target, nil, UInt(MS_BIND), nil) }
        if readOnly {
            do {
                try remountReadOnly(target)
            } catch {
                umount2(target, 0)
                throw error
            }
        }
    }

    /// Makes an existing bind mount read-only.
    public static func remountReadOnly(_ target: String) throws {
        try call("mount(remount,bind,ro)", target) { mount(nil, target, nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY), nil) }
    }

    /// Mounts a filesystem of `type` from `source` (a device, or `tmpfs`) with `options` (comma separated, as
    /// the `data` argument: `size=64m`, `prjquota`).
    public static func mountFilesystem(_ source: String, at target: String, type: String, readOnly: Bool = false, options: String = "") throws {
        let flags = readOnly ? UInt(MS_RDONLY) : 0
        try call("mount(\(type))", "\(source), \(target)") {
            options.isEmpty ? mount(source, target, type, flags, nil) : options.withCString { mount(source, target, type, flags, $0) }
        }
    }

    /// Unmounts `target` once. Not mounted (EINVAL) and missing (ENOENT) count as done.
    public static func unmount(_ target: String, detach: Bool = false) throws {
        if umount2(target, detach ? Int32(MNT_DETACH) : 0) == 0 { return }
        let error = errno
        if error == EINVAL || error == ENOENT { return }
        throw LinuxError(call: "umount2", path: target, errno: error)
    }

    /// Unmounts every mount stacked at `target` (a target mounted twice needs two unmounts).
    public static func unmountAll(_ target: String) throws {
        var rounds = 0
        while MountTable.isMountPoint(target) {
            try unmount(target)
            rounds += 1
            if rounds > 32 { throw LinuxError(call: "umount2", path: target, detail: "still mounted after 32 unmounts") }
        }
    }

    private static func call(_ name: String, _ path: String, _ body: () -> Int32) throws {
        if body() != 0 { throw LinuxError.lastError(name, path: path) }
    }
}
