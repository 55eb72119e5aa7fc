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

    @Test func aMountBusyForAnInstantIsUnmountedAndOneBusyThroughoutFailsWithEBUSY() throws {
        let directory = try LinuxTestSupport.scratchDirectory("busy")
        defer { LinuxTestSupport.cleanUp(directory) }
        try Mount.tmpfs(at: directory, sizeBytes: 1 << 20)
        defer { try? Mount.unmount(directory, mode: .detach) }
        FileManager.default.createFile(atPath: "\(directory)/held", contents: Data("x".utf8))

        // Held for 0.3 s, closed from a thread of its own: unmount waits it out.
        let brief = open("\(directory)/held", O_RDONLY | O_CLOEXEC)
        #expect(brief >= 0)
        let closed = DispatchSemaphore(value: 0)
        Thread {
            usleep(300_000)
            close(brief)
            closed.signal()
        }.start()
        try Mount.unmount(directory)
        closed.wait()
        #expect(try !MountInfo.isMountPoint(directory))

        // Held throughout: EBUSY once the grace has passed, and the mount stays.
        try Mount.tmpfs(at: directory, sizeBytes: 1 << 20)
        FileManager.default.createFile(atPath: "\(directory)/held", contents: Data("x".utf8))
        let holder = open("\(directory)/held", O_RDONLY | O_CLOEXEC)
        #expect(holder >= 0)
        defer { close(holder) }
        let started = ContinuousClock.now
        #expect { try Mount.unmount(directory) } throws: { error in
            (error as? LinuxError)?.errno == EBUSY && "\(error)".contains("umount2(\"\(directory)\")")
        }
        #expect(ContinuousClock.now - started >= Mount.busyGrace)
        #expect(try MountInfo.isMountPoint(directory))
    }
}
