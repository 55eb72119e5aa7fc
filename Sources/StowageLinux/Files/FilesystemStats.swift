#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop

/// statfs(2) of the filesystem holding a path: sizes in bytes and inode counts.
public struct FilesystemStats: Sendable, Equatable {
    public var totalBytes: Int64
    public var freeBytes: Int64
    /// What an unprivileged user may still write (free minus the reserved blocks).
    public var availableBytes: Int64
    public var totalInodes: Int64
    public var freeInodes: Int64
    /// The filesystem's magic number (`f_type`), e.g. 0x58465342 for XFS.
    public var type: Int64

    public var usedBytes: Int64 { totalBytes - freeBytes }
    public var usedInodes: Int64 { totalInodes - freeInodes }

    public static func of(_ path: String) throws -> FilesystemStats {
        var stats = statfs()
        try checkedSystemCall("statfs", path: path) { statfs(path, &stats) }
        let block: Int64 = stats.f_frsize != 0 ? Int64(stats.f_frsize) : Int64(stats.f_bsize)
        let total: Int64 = Int64(stats.f_blocks) * block
        let free: Int64 = Int64(stats.f_bfree) * block
        let available: Int64 = Int64(stats.f_bavail) * block
        return FilesystemStats(totalBytes: total, freeBytes: free, availableBytes: available, totalInodes: Int64(stats.f_files),
                               freeInodes: Int64(stats.f_ffree), type: Int64(stats.f_type))
    }
}
