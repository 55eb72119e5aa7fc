import Testing
@testable import StowageLinux

@Suite struct MountInfoTests {
    static let fixture = """
    22 1 252:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,discard
    35 22 0:31 / /tmp rw,nosuid,nodev shared:15 - tmpfs tmpfs rw,size=1048576k
    41 35 7:3 / /tmp/with\\040space/and\\011tab rw,relatime - xfs /dev/loop3 rw,attr2,inode64,prjquota
    42 35 252:0 /srv/data /tmp/bound ro,relatime master:1 - ext4 /dev/vda rw
    43 35 252:0 /srv/back\\134slash /tmp/bound rw,relatime - ext4 /dev/vda rw
    not a mountinfo line
    """

    @Test func parsesFieldsAndDecodesOctalEscapes() {
        let table = MountInfo.parse(Self.fixture)
        #expect(table.count == 5)
        let xfs = table[2]
        #expect(xfs.mountPoint == "/tmp/with space/and\ttab")
        #expect(xfs.fsType == "xfs")
        #expect(xfs.source == "/dev/loop3")
        #expect(xfs.superOptions.contains("prjquota"))
        #expect(xfs.device == "7:3")
        #expect(xfs.parentID == 35)
        #expect(table[3].root == "/srv/data")
        #expect(table[3].isReadOnly)
        #expect(table[4].root == "/srv/back\\slash")
    }

    @Test func answersWhatIsMountedWhere() throws {
        let table = MountInfo.parse(Self.fixture)
        #expect(try MountInfo.mounted(at: "/tmp/bound/", in: table)?.mountID == 43, "the topmost of stacked mounts")
        #expect(try MountInfo.mounted(at: "/tmp/elsewhere", in: table) == nil)
        #expect(try MountInfo.containing("/tmp/with space/and\ttab/vol/file", in: table)?.mountID == 41)
        #expect(try MountInfo.containing("/tmp/with spacer", in: table)?.mountID == 35, "a prefix is not a parent")
        #expect(try MountInfo.containing("/etc/passwd", in: table)?.mountID == 22)
    }

    @Test func leavesBackslashesThatAreNotEscapes() {
        #expect(MountInfo.unescape("a\\09b\\") == "a\\09b\\")
        #expect(MountInfo.unescape("\\040\\040") == "  ")
    }

    @Test func readsTheCurrentTable() throws {
        let table = try MountInfo.current()
        #expect(table.contains { $0.mountPoint == "/" })
    }
}

@Suite struct SafeNameTests {
    @Test(arguments: [
        ("", "is empty"), ("..", "contains \"..\""), ("a/../b", "contains \"/\""), ("a..b", "contains \"..\""),
        ("x/y", "contains \"/\""), ("nul\u{0}", "contains a NUL byte"), (".", "is \".\""),
        (String(repeating: "a", count: 201), "is longer than 200 bytes"), ("tab\there", "contains a control character"),
    ])
    func refusesUnsafeNames(name: String, problem: String) {
        #expect(SafeName.problem(with: name) == problem)
    }

    @Test func acceptsOrdinaryNames() {
        #expect(SafeName.isSafe("pvc-0f8e2a1c-4a6b-4c9e-9f0e-1b2c3d4e5f60"))
        #expect(SafeName.isSafe(".hidden"))
    }
}
