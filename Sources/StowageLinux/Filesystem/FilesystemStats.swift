#if canImport(Glibc)
import Glibc
#endif

/// Size and inode figures of the filesystem holding a path (`statvfs(3)`).
public struct FilesystemStats: Sendable, Equatable {
    /// Size of the filesystem in bytes.
    public var totalBytes: Int64
    /// Free bytes, including those reserved for root.
    public var freeBytes: Int64
    /// Bytes an unprivileged writer can still use.
    public var availableBytes: Int64
    /// Total inodes (0 on filesystems without a fixed inode table).
    public var totalInodes: Int64
    /// Free inodes.
    public var freeInodes: Int64
    /// Inodes an unprivileged writer can still use.
    public var availableInodes: Int64
    /// Whether the filesystem (or this mount of it) is read-only.
    public var isReadOnly: Bool

    /// Bytes in use (`total - free`).
    public var usedBytes: Int64 { totalBytes - freeBytes }
    /// Inodes in use.
    public var usedInodes: Int64 { totalInodes - freeInodes }

    /// The figures for the filesystem that holds `path`.
    /// - Throws: `LinuxError` with call `statvfs`.
    public init(path: String) throws {
        var info = statvfs()
        try checkedSystemCall("statvfs", path: path) { statvfs(path, &info) }
        let unit = Int64(info.f_frsize)
        totalBytes = Int64(info.f_blocks) * unit
        freeBytes = Int64(info.f_bfree) * unit
        availableBytes = Int64(info.f_bavail) * unit
        totalInodes = Int64(info.f_files)
        freeInodes = Int64(info.f_ffree)
        availableInodes = Int64(info.f_favail)
        isReadOnly = info.f_flag & UInt(ST_RDONLY) != 0
    }
}
