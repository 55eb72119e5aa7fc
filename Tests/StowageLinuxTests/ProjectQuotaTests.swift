import Foundation
import Testing
@testable import StowageLinux

@Suite(.serialized, .enabled(if: LinuxTestSupport.isRoot, "loop devices, mkfs and quotactl need root"))
struct ProjectQuotaTests {
    @Test(.enabled(if: KernelQuotaSupport.xfs, "this kernel cannot mount XFS with prjquota (built without CONFIG_XFS_QUOTA)"))
    func xfsProjectQuotaRefusesThe17thMiB() throws {
        let filesystem = try LoopFilesystem(type: "xfs", sizeMiB: 320, mkfsArguments: ["-q", "-f"], options: "prjquota")
        defer { filesystem.tearDown() }
        try checkLimit(on: filesystem, kind: .xfs)
    }

    @Test(.enabled(if: KernelQuotaSupport.ext4, "this kernel cannot mount ext4 with prjquota (built without CONFIG_QUOTA/CONFIG_QFMT_V2)"))
    func ext4ProjectQuotaRefusesThe17thMiB() throws {
        let filesystem = try LoopFilesystem(type: "ext4", sizeMiB: 64, mkfsArguments: ["-q", "-F", "-O", "quota,project"],
                                            options: "prjquota")
        defer { filesystem.tearDown() }
        try checkLimit(on: filesystem, kind: .ext4)
    }

    private func checkLimit(on filesystem: LoopFilesystem, kind: ProjectQuota.Kind) throws {
        let volume = "\(filesystem.mountPoint)/volume"
        try FileManager.default.createDirectory(atPath: "\(volume)/sub", withIntermediateDirectories: true)
        let quota = try ProjectQuota(forPath: volume)
        #expect(quota.kind == kind)
        try quota.assign(directory: volume, projectID: 4242)
        try quota.setLimit(projectID: 4242, bytes: 16 << 20)
        let result = LinuxTestSupport.writeMiB("\(volume)/sub/data", count: 17)
        #expect(result.written >= 15 && result.written < 17, "wrote \(result.written) MiB under a 16 MiB quota")
        #expect(result.errno == EDQUOT || result.errno == ENOSPC, "stopped by errno \(result.errno)")
        let usage = try quota.usage(projectID: 4242)
        #expect(usage.limitBytes == 16 << 20)
        #expect(usage.bytes > 14 << 20 && usage.bytes <= 16 << 20, "usage \(usage.bytes)")
        // Outside the project the filesystem still has room.
        #expect(LinuxTestSupport.writeMiB("\(filesystem.mountPoint)/outside", count: 17).errno == 0)
    }

    @Test func withoutPrjquotaItSaysNotSupported() throws {
        let filesystem = try LoopFilesystem(type: "xfs", sizeMiB: 320, mkfsArguments: ["-q", "-f"], options: "")
        defer { filesystem.tearDown() }
        #expect { try ProjectQuota(forPath: filesystem.mountPoint) } throws: { error in
            error is ProjectQuota.Unsupported && "\(error)".contains(filesystem.mountPoint)
        }
    }

    @Test func tmpfsIsNotSupported() throws {
        let directory = try LinuxTestSupport.scratchDirectory("quota-tmpfs")
        defer { LinuxTestSupport.cleanUp(directory) }
        try Mount.tmpfs(at: directory, sizeBytes: 1 << 20)
        #expect { try ProjectQuota(forPath: directory) } throws: { "\($0)".contains("project quotas need xfs or ext4") }
    }
}
