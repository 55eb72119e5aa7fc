#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop

/// Project quotas on XFS and ext4: a directory tree gets a project id (inherited by everything created in it,
/// `FS_XFLAG_PROJINHERIT`) and the project a hard block limit, so the tree cannot grow past its size.
///
/// Support is detected, never assumed: the filesystem must be XFS or ext4 *and* mounted with project quota
/// enforcement (`prjquota`; ext4 also needs the `project` and `quota` features). Otherwise `ProjectQuota.init`
/// throws `ProjectQuota.Unsupported` with the reason.
public struct ProjectQuota: Sendable {
    /// Why project quotas cannot be used on a filesystem.
    public struct Unsupported: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The filesystem flavour, which decides the quotactl interface.
    public enum Kind: String, Sendable { case xfs, ext4 }

    /// The mount the quotas apply to.
    public let mount: MountInfo
    /// XFS or ext4.
    public let kind: Kind

    /// Detects project-quota support for the filesystem holding `path`.
    /// - Throws: `Unsupported` with the reason, or `LinuxError` when mountinfo cannot be read.
    public init(forPath path: String) throws {
        guard let mount = try MountInfo.containing(path) else {
            throw Unsupported(description: "no mount holds \(path)")
        }
        guard let kind = Kind(rawValue: mount.fsType) else {
            throw Unsupported(description: "\(mount.mountPoint) is \(mount.fsType); project quotas need xfs or ext4")
        }
        self.mount = mount
        self.kind = kind
        // Cheap and clear first: the superblock options say whether project quotas are on at all.
        let options = Set(mount.superOptions + mount.mountOptions)
        guard !options.isDisjoint(with: ["prjquota", "pquota", "pqnoenforce", "prjjquota"]) else {
            throw Unsupported(description: "\(mount.mountPoint) (\(mount.fsType) on \(mount.source)) is not mounted with prjquota")
        }
        var state = fs_quota_stat()
        let result = mount.source.withCString { device in
            withUnsafeMutablePointer(to: &state) { pointer in
                quotactl(Self.command(Self.xGetQuotaStat), device, 0, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: CChar.self))
            }
        }
        if result != 0 {
            let error = LinuxError.lastError("quotactl(Q_XGETQSTAT)", path: mount.source)
            throw Unsupported(description: "project quotas are not available on \(mount.mountPoint): \(error)")
        }
        if state.qs_flags & UInt16(FS_QUOTA_PDQ_ENFD) == 0 {
            throw Unsupported(description: "\(mount.mountPoint) (\(mount.fsType)) is not mounted with project quota enforcement (prjquota)")
        }
    }

    /// Gives the directory at `path` the project id `id` and the inherit flag, so new files and directories
    /// below it belong to the project.
    /// - Throws: `LinuxError` (`ioctl(FS_IOC_FSGETXATTR)` / `ioctl(FS_IOC_FSSETXATTR)`).
    public func assign(directory path: String, projectID id: UInt32) throws {
        let fd = try checkedSystemCall("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        defer { close(fd) }
        var attributes = fsxattr()
        try checkedSystemCall("ioctl(FS_IOC_FSGETXATTR)", path: path) { ioctl(fd, stowage_FS_IOC_FSGETXATTR, &attributes) }
        attributes.fsx_projid = id
        attributes.fsx_xflags |= UInt32(FS_XFLAG_PROJINHERIT)
        try checkedSystemCall("ioctl(FS_IOC_FSSETXATTR)", path: path) { ioctl(fd, stowage_FS_IOC_FSSETXATTR, &attributes) }
    }

    /// Sets the hard (and soft) block limit of project `id` to `bytes` (0 removes the limit).
    /// - Throws: `LinuxError` (`quotactl(Q_XSETQLIM)` on XFS, `quotactl(Q_SETQUOTA)` on ext4).
    public func setLimit(projectID id: UInt32, bytes: Int64) throws {
        switch kind {
        case .xfs:
            var quota = fs_disk_quota()
            quota.d_version = Int8(FS_DQUOT_VERSION)
            quota.d_flags = Int8(FS_PROJ_QUOTA)
            quota.d_id = id
            quota.d_fieldmask = UInt16(FS_DQ_BHARD | FS_DQ_BSOFT)
            let blocks = UInt64((bytes + 511) / 512)  // basic blocks of 512 bytes
            quota.d_blk_hardlimit = blocks
            quota.d_blk_softlimit = blocks
            try control(Self.xSetLimit, "quotactl(Q_XSETQLIM)", id: id, &quota)
        case .ext4:
            var quota = if_dqblk()
            let blocks = UInt64((bytes + 1023) / 1024)  // quota blocks of 1 KiB
            quota.dqb_bhardlimit = blocks
            quota.dqb_bsoftlimit = blocks
            quota.dqb_valid = UInt32(Self.limitsValid)
            try control(Self.setQuota, "quotactl(Q_SETQUOTA)", id: id, &quota)
        }
    }

    /// Bytes and inodes project `id` uses now, and its hard block limit in bytes (0 = none).
    public struct Usage: Sendable, Equatable {
        public var bytes: Int64
        public var inodes: Int64
        public var limitBytes: Int64
    }

    /// What project `id` uses.
    /// - Throws: `LinuxError` (`quotactl(Q_XGETQUOTA)` / `quotactl(Q_GETQUOTA)`).
    public func usage(projectID id: UInt32) throws -> Usage {
        switch kind {
        case .xfs:
            var quota = fs_disk_quota()
            try control(Self.xGetQuota, "quotactl(Q_XGETQUOTA)", id: id, &quota)
            return Usage(bytes: Int64(quota.d_bcount) * 512, inodes: Int64(quota.d_icount),
                         limitBytes: Int64(quota.d_blk_hardlimit) * 512)
        case .ext4:
            var quota = if_dqblk()
            try control(Self.getQuota, "quotactl(Q_GETQUOTA)", id: id, &quota)
            return Usage(bytes: Int64(quota.dqb_curspace), inodes: Int64(quota.dqb_curinodes),
                         limitBytes: Int64(quota.dqb_bhardlimit) * 1024)
        }
    }

    private func control<T>(_ subcommand: Int32, _ call: String, id: UInt32, _ value: inout T) throws {
        let device = mount.source
        try checkedSystemCall(call, path: device) {
            device.withCString { devicePointer in
                withUnsafeMutablePointer(to: &value) { pointer in
                    quotactl(Self.command(subcommand), devicePointer, Int32(bitPattern: id),
                             UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: CChar.self))
                }
            }
        }
    }

    // QCMD(cmd, PRJQUOTA) and the XFS commands are function-like macros in the headers; their values:
    private static let projectQuotaType: Int32 = 2                  // PRJQUOTA
    private static let xGetQuota: Int32 = (0x58 << 8) + 3           // Q_XGETQUOTA = XQM_CMD(3)
    private static let xSetLimit: Int32 = (0x58 << 8) + 4           // Q_XSETQLIM = XQM_CMD(4)
    private static let xGetQuotaStat: Int32 = (0x58 << 8) + 5       // Q_XGETQSTAT = XQM_CMD(5)
    private static let getQuota: Int32 = 0x800007                   // Q_GETQUOTA
    private static let setQuota: Int32 = 0x800008                   // Q_SETQUOTA
    private static let limitsValid: Int32 = 1                       // QIF_BLIMITS
    private static func command(_ subcommand: Int32) -> Int32 { (subcommand << 8) | (projectQuotaType & 0xff) }
}
