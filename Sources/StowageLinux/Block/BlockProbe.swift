import CBlkid
#if canImport(Glibc)
import Glibc
#endif

/// What libblkid finds on a device or image file: a filesystem (type, UUID, label) and/or a partition table.
public struct BlockContents: Sendable, Equatable, CustomStringConvertible {
    /// The filesystem or other superblock type (`ext4`, `xfs`, `swap`, `LVM2_member`, …), nil when none.
    public var type: String?
    /// The filesystem UUID, nil when none.
    public var uuid: String?
    /// The filesystem label, nil when none.
    public var label: String?
    /// The partition table type (`dos`, `gpt`), nil when none.
    public var partitionTable: String?
    /// libblkid found several conflicting signatures and would not decide.
    public var ambivalent: Bool

    public init(type: String? = nil, uuid: String? = nil, label: String? = nil, partitionTable: String? = nil,
                ambivalent: Bool = false) {
        self.type = type
        self.uuid = uuid
        self.label = label
        self.partitionTable = partitionTable
        self.ambivalent = ambivalent
    }

    /// Nothing recognisable: no superblock signature and no partition table. Only a blank device may be formatted.
    public var isBlank: Bool { type == nil && partitionTable == nil && !ambivalent }

    /// "a ext4 filesystem (UUID …)", "a dos partition table", "no filesystem".
    public var description: String {
        var parts: [String] = []
        if let type { parts.append("a \(type) filesystem" + (uuid.map { " (UUID \($0))" } ?? "")) }
        if let partitionTable { parts.append("a \(partitionTable) partition table") }
        if ambivalent { parts.append("several conflicting signatures") }
        return parts.isEmpty ? "no filesystem or partition table" : parts.joined(separator: " and ")
    }
}

/// Probing with libblkid (the library behind `blkid`), read-only.
public enum BlockProbe {
    /// Probes `path` (a block device or an image file) for superblocks and partition tables.
    /// - Throws: `LinuxError` (`blkid_new_probe_from_filename` with errno, or `blkid_do_safeprobe`).
    public static func probe(_ path: String) throws -> BlockContents {
        errno = 0
        guard let probe = blkid_new_probe_from_filename(path) else {
            throw LinuxError(call: "blkid_new_probe_from_filename", path: path, errno: errno == 0 ? EIO : errno)
        }
        defer { blkid_free_probe(probe) }
        blkid_probe_enable_superblocks(probe, 1)
        // LABEL (1<<1) | UUID (1<<3) | TYPE (1<<5)
        blkid_probe_set_superblocks_flags(probe, (1 << 1) | (1 << 3) | (1 << 5))
        blkid_probe_enable_partitions(probe, 1)
        // BLKID_PARTS_MAGIC (1<<3): report PTTYPE even without entries
        blkid_probe_set_partitions_flags(probe, 1 << 3)
        let result = blkid_do_safeprobe(probe)
        switch result {
        case 0:
            return BlockContents(type: value(probe, "TYPE"), uuid: value(probe, "UUID"), label: value(probe, "LABEL"),
                                 partitionTable: value(probe, "PTTYPE"))
        case 1:
            return BlockContents()
        case -2:
            return BlockContents(ambivalent: true)
        default:
            throw LinuxError(call: "blkid_do_safeprobe", path: path, errno: errno, detail: "probe failed (\(result))")
        }
    }

    private static func value(_ probe: blkid_probe, _ name: String) -> String? {
        var data: UnsafePointer<CChar>?
        var length = 0
        guard blkid_probe_lookup_value(probe, name, &data, &length) == 0, let data else { return nil }
        let text = String(cString: data)
        return text.isEmpty ? nil : text
    }
}
