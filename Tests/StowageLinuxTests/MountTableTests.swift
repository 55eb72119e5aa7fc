import Foundation
import Testing
@testable import StowageLinux

@Suite struct MountTableTests {
    @Test func parsesMountinfoLinesWithEscapesAndOptionalFields() {
        let text = """
            22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
            95 22 253:1 /srv/vol\\040one /var/lib/pods/a\\040b ro,relatime shared:1 master:2 - ext4 /dev/vda1 rw
            malformed line
            101 22 0:45 / /mnt/mem rw,nosuid - tmpfs tmpfs rw,size=65536k
            """
        let entries = MountTable.parse(text)
        #expect(entries.count == 3)
        #expect(entries[1].root == "/srv/vol one")
        #expect(entries[1].mountPoint == "/var/lib/pods/a b")
        #expect(entries[1].isReadOnly)
        #expect(entries[1].filesystemType == "ext4")
        #expect(entries[1].source == "/dev/vda1")
        #expect(entries[2].superOptions.contains("size=65536k"))
        #expect(entries[2].parentID == 22)
    }

    @Test func theRootIsAMountPointAndAPlainDirectoryIsNot() throws {
        #expect(MountTable.isMountPoint("/"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(!MountTable.isMountPoint(directory))
    }

    @Test(arguments: [("", "empty"), ("..", "\"..\""), ("a/b", "\"/\""), ("x\u{0}y", "NUL"), ("tab\there", "control"),
                      (String(repeating: "a", count: 254), "longer than 253")])
    func volumeNamesThatCouldEscapeAreRefused(name: String, reason: String) {
        #expect(VolumeName.problem(name)?.contains(reason) == true)
    }

    @Test func ordinaryVolumeNamesPass() {
        #expect(VolumeName.problem("pvc-0b7a3c1e-5d2f-4c8e-9a61-2f4b8d9e1c30") == nil)
    }
}

@Suite struct SafeRemovalTests {
    @Test func removesATreeButNotWhatItsSymlinksPointAt() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("removal-\(UUID().uuidString)").path
        let tree = base + "/tree", outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: tree + "/a/b", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try "keep".write(toFile: outside + "/sentinel", atomically: true, encoding: .utf8)
        try "data".write(toFile: tree + "/a/b/file", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: tree + "/a/to-dir", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: tree + "/to-file", withDestinationPath: outside + "/sentinel")
        try SafeRemoval.removeTree(tree)
        #expect(!FileManager.default.fileExists(atPath: tree))
        #expect(try String(contentsOfFile: outside + "/sentinel", encoding: .utf8) == "keep")
        try SafeRemoval.removeTree(tree)  // already gone: fine
    }

    @Test(.enabled(if: getuid() == 0, "needs root to mount a tmpfs inside the tree"))
    func stopsAtAFilesystemMountedInside() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("removal-mount-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/mnt", withIntermediateDirectories: true)
        try Mounts.mountFilesystem("tmpfs", at: base + "/mnt", type: "tmpfs", options: "size=1m")
        defer {
            try? Mounts.unmountAll(base + "/mnt")
            try? FileManager.default.removeItem(atPath: base)
        }
        try "inside".write(toFile: base + "/mnt/file", atomically: true, encoding: .utf8)
        #expect { try SafeRemoval.removeTree(base) } throws: { "\($0)".contains("another filesystem is mounted here") }
        #expect(try String(contentsOfFile: base + "/mnt/file", encoding: .utf8) == "inside")
    }

    @Test(.enabled(if: getuid() == 0, "needs root for bind mounts"))
    func bindMountsHonourReadOnlyAndUnmountCleanly() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("bind-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base + "/source", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/target", withIntermediateDirectories: true)
        defer {
            try? Mounts.unmountAll(base + "/target")
            try? FileManager.default.removeItem(atPath: base)
        }
        try "x".write(toFile: base + "/source/file", atomically: true, encoding: .utf8)
        try Mounts.bind(base + "/source", to: base + "/target", readOnly: true)
        #expect(MountTable.mounts(at: base + "/target").last?.isReadOnly == true)
        #expect(try String(contentsOfFile: base + "/target/file", encoding: .utf8) == "x")
        #expect(!FileManager.default.createFile(atPath: base + "/target/new", contents: Data()))
        let stats = try FilesystemStats.of(base + "/target")
        #expect(stats.totalBytes > 0 && stats.availableBytes <= stats.freeBytes)
        try Mounts.unmountAll(base + "/target")
        #expect(!MountTable.isMountPoint(base + "/target"))
        #expect { try Mounts.bind(base + "/missing", to: base + "/target") } throws: { "\($0)".hasPrefix("mount(bind)(\"\(base)/missing") }
    }
}
