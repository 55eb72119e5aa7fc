#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop
import Foundation

/// A loop device (`/dev/loopN`) backed by a regular file, configured and found again through ioctls and sysfs.
///
/// Attaching is atomic (`LOOP_CTL_GET_FREE` then one `LOOP_CONFIGURE`, retried when another process takes the
/// free device first) and idempotent: a file that already has a loop device gets that device back. Autoclear is
/// off, so the device outlives the file descriptor that configured it; a device is found again after a restart
/// by its backing file's device and inode (`LOOP_GET_STATUS64`), and re-attached after a reboot.
///
/// Threading: the functions are synchronous system calls; callers serialise attach and detach per backing file.
public struct LoopDevice: Sendable, Equatable, CustomStringConvertible {
    /// The N of `/dev/loopN`.
    public var number: Int
    /// `/dev/loopN`.
    public var path: String { "/dev/loop\(number)" }
    public var description: String { path }

    public init(number: Int) { self.number = number }

    /// Whether this machine can make loop devices (`/dev/loop-control` exists and we may open it).
    public static var isAvailable: Bool { access("/dev/loop-control", R_OK | W_OK) == 0 }

    /// Attaches `backingFile` to a loop device, or returns the device it is already attached to.
    /// - Parameters:
    ///   - backingFile: an absolute path to a regular file (symlinks are not followed).
    ///   - directIO: ask for `LO_FLAGS_DIRECT_IO`; silently falls back to buffered I/O when the backing
    ///     filesystem refuses it.
    /// - Throws: `LinuxError` naming the ioctl and the path.
    public static func attach(backingFile: String, directIO: Bool = true) throws -> LoopDevice {
        if let existing = try find(backingFile: backingFile).first { return existing }
        let fileFD = try checkedSystemCall("open", path: backingFile) { open(backingFile, O_RDWR | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fileFD) }
        let control = try checkedSystemCall("open", path: "/dev/loop-control") { open("/dev/loop-control", O_RDWR | O_CLOEXEC) }
        defer { close(control) }
        var lastError: LinuxError?
        for _ in 0..<64 {
            let number = try checkedSystemCall("ioctl(LOOP_CTL_GET_FREE)", path: "/dev/loop-control") {
                ioctl(control, UInt(LOOP_CTL_GET_FREE))
            }
            let device = LoopDevice(number: Int(number))
            let deviceFD = try device.openNode(O_RDWR)
            defer { close(deviceFD) }
            var flags = directIO ? [UInt32(LO_FLAGS_DIRECT_IO), 0] : [0]
            while let flag = flags.first {
                flags.removeFirst()
                var config = loop_config()
                config.fd = UInt32(fileFD)
                config.info.lo_flags = flag
                setName(&config.info, backingFile)
                if ioctl(deviceFD, UInt(LOOP_CONFIGURE), &config) == 0 { return device }
                let error = LinuxError.lastError("ioctl(LOOP_CONFIGURE)", path: "\(device.path), \(backingFile)")
                lastError = error
                // EBUSY: someone configured the free device first; take the next free one.
                if error.errno == EBUSY { break }
                // EINVAL with direct I/O: the backing filesystem cannot do it; try buffered.
                if error.errno == EINVAL, !flags.isEmpty { continue }
                throw error
            }
        }
        throw lastError ?? LinuxError(call: "ioctl(LOOP_CONFIGURE)", path: backingFile, detail: "no free loop device")
    }

    /// Every loop device whose backing file is `backingFile` (same device and inode), in number order.
    public static func find(backingFile: String) throws -> [LoopDevice] {
        var info = stat()
        try checkedSystemCall("lstat", path: backingFile) { lstat(backingFile, &info) }
        return all().filter { device in
            guard let status = try? device.status() else { return false }
            return status.lo_inode == UInt64(info.st_ino) && status.lo_device == UInt64(info.st_dev)
        }
    }

    /// The loop devices that have a backing file (from `/sys/block/loop*/loop/backing_file`).
    public static func all() -> [LoopDevice] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/sys/block")) ?? []
        return names.compactMap { name -> LoopDevice? in
            guard name.hasPrefix("loop"), let number = Int(name.dropFirst(4)),
                  access("/sys/block/\(name)/loop/backing_file", F_OK) == 0 else { return nil }
            return LoopDevice(number: number)
        }.sorted { $0.number < $1.number }
    }

    /// The backing file's path as the kernel reports it (`/sys/block/loopN/loop/backing_file`), nil when the
    /// device is not attached.
    public var backingFile: String? {
        guard let text = try? String(contentsOfFile: "/sys/block/loop\(number)/loop/backing_file", encoding: .utf8) else {
            return nil
        }
        return text.trimmingCharacters(in: .newlines)
    }

    /// `LOOP_GET_STATUS64`: the configuration, including the backing file's device and inode.
    public func status() throws -> loop_info64 {
        let fd = try openNode(O_RDONLY)
        defer { close(fd) }
        var info = loop_info64()
        try checkedSystemCall("ioctl(LOOP_GET_STATUS64)", path: path) { ioctl(fd, UInt(LOOP_GET_STATUS64), &info) }
        return info
    }

    /// `LOOP_SET_CAPACITY`: makes the device take the backing file's current size (after the file grew).
    public func refreshCapacity() throws {
        let fd = try openNode(O_RDWR)
        defer { close(fd) }
        try checkedSystemCall("ioctl(LOOP_SET_CAPACITY)", path: path) { ioctl(fd, UInt(LOOP_SET_CAPACITY), 0) }
    }

    /// `LOOP_CLR_FD`: detaches the backing file. When the device is still open elsewhere (mounted), the kernel
    /// detaches it on the last close instead. A device that is not attached is not an error.
    public func detach() throws {
        let fd = try openNode(O_RDWR)
        defer { close(fd) }
        if ioctl(fd, UInt(LOOP_CLR_FD), 0) != 0 {
            if Glibc.errno == ENXIO { return }
            throw LinuxError.lastError("ioctl(LOOP_CLR_FD)", path: path)
        }
    }

    /// The device's size in bytes (`BLKGETSIZE64`).
    public func size() throws -> Int64 { try BlockDevice.size(path) }

    /// Opens the device node, creating it (block 7:N) when devtmpfs has not.
    func openNode(_ flags: Int32) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC)
        if fd >= 0 { return fd }
        if Glibc.errno == ENOENT {
            _ = mknod(path, S_IFBLK | 0o660, dev_t((7 << 8) | (number & 0xff) | ((number & ~0xff) << 12)))
            return try checkedSystemCall("open", path: path) { Glibc.open(path, flags | O_CLOEXEC) }
        }
        throw LinuxError.lastError("open", path: path)
    }

    private static func setName(_ info: inout loop_info64, _ name: String) {
        withUnsafeMutableBytes(of: &info.lo_file_name) { buffer in
            let bytes = Array(name.utf8.prefix(buffer.count - 1))
            buffer.copyBytes(from: bytes)
        }
    }
}

/// Facts about block device nodes.
public enum BlockDevice {
    /// The size in bytes of the block device at `path` (`BLKGETSIZE64`).
    public static func size(_ path: String) throws -> Int64 {
        let fd = try checkedSystemCall("open", path: path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var bytes: UInt64 = 0
        try checkedSystemCall("ioctl(BLKGETSIZE64)", path: path) { ioctl(fd, stowage_BLKGETSIZE64, &bytes) }
        return Int64(bytes)
    }

    /// Whether `path` is a block device node (without following a final symlink).
    public static func isBlockDevice(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFBLK
    }
}
