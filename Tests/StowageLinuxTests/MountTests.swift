import Foundation
import Testing
@testable import StowageLinux

/// Real mounts; they need root (CI runs as root).
@Suite(.serialized, .enabled(if: LinuxTestSupport.isRoot, "mount(2) needs root: run the tests as root"))
struct MountTests {
    @Test func bindMountThenReadOnlyRemount() throws {
        let directory = try LinuxTestSupport.scratchDirectory("bind")
        defer { LinuxTestSupport.cleanUp(directory) }
        let source = "\(directory)/source", target = "\(directory)/target"
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Mount.bind(source, to: target)
        #expect(try MountInfo.isMountPoint(target))
        #expect(FileManager.default.createFile(atPath: "\(target)/written", contents: Data("x".utf8)))
        #expect(FileManager.default.fileExists(atPath: "\(source)/written"))

        try Mount.remountReadOnly(target)
        #expect(try MountInfo.mounted(at: target)?.isReadOnly == true)
        #expect(try FilesystemStats(path: target).isReadOnly)
        #expect(open("\(target)/refused", O_WRONLY | O_CREAT, 0o644) == -1 && errno == EROFS)
        #expect(FileManager.default.createFile(atPath: "\(source)/still-writable", contents: nil), "only the bind is read-only")

        try Mount.unmount(target)
        #expect(try !MountInfo.isMountPoint(target))
        #expect { try Mount.unmount(target) } throws: { error in
            "\(error)".hasPrefix("umount2(\"\(target)\")") && (error as? LinuxError)?.errno == EINVAL
        }
    }

    @Test func readOnlyBindInOneCall() throws {
        let directory = try LinuxTestSupport.scratchDirectory("robind")
        defer { LinuxTestSupport.cleanUp(directory) }
        let target = "\(directory)/target"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Mount.bind(directory, to: target, readOnly: true)
        #expect(try MountInfo.mounted(at: target)?.isReadOnly == true)
        #expect(try Mount.unmountAll(target) == 1)
    }

    @Test func tmpfsSizeIsAHardLimitAndStatfsReportsIt() throws {
        let directory = try LinuxTestSupport.scratchDirectory("tmpfs")
        defer { LinuxTestSupport.cleanUp(directory) }
        try Mount.tmpfs(at: directory, sizeBytes: 4 << 20)
        let mounted = try #require(try MountInfo.mounted(at: directory))
        #expect(mounted.fsType == "tmpfs")
        let stats = try FilesystemStats(path: directory)
        #expect(stats.totalBytes == 4 << 20)
        #expect(stats.availableBytes == 4 << 20)
        #expect(stats.totalInodes > 0)
        let result = LinuxTestSupport.writeMiB("\(directory)/big", count: 5)
        #expect(result.written == 4 && result.errno == ENOSPC, "wrote \(result.written) MiB, stopped by errno \(result.errno)")
        #expect(try FilesystemStats(path: directory).availableBytes == 0)
        try Mount.unmount(directory, mode: .detach)
        #expect(try !MountInfo.isMountPoint(directory))
    }

    @Test func mountErrorsNameTheCallPathsAndErrno() throws {
        #expect { try Mount.bind("/nonexistent-\(getpid())", to: "/tmp") } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("mount(bind)(\"/nonexistent-") && text.contains("(errno 2)")
        }
    }
}
