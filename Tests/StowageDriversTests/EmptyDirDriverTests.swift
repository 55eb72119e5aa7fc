import Foundation
import StowageCSI
import StowageDriverSanity
import StowageLinux
import Testing

/// The built `stowage-emptydir` executable, driven through `DriverClient` as the node agent drives it.
@Suite(.serialized, .enabled(if: DriverProcess.isRoot, "the driver mounts tmpfs and bind mounts: run the tests as root"))
struct EmptyDirDriverTests {
    static func publish(_ driver: DriverProcess, volume: String, pod: String, at target: String,
                        medium: String = "", sizeLimit: String? = nil) async throws {
        var context = ["csi.storage.k8s.io/ephemeral": "true", "csi.storage.k8s.io/pod.uid": pod,
                       "csi.storage.k8s.io/pod.name": "web-0", "csi.storage.k8s.io/pod.namespace": "default"]
        if !medium.isEmpty { context["medium"] = medium }
        if let sizeLimit { context["sizeLimit"] = sizeLimit }
        _ = try await driver.rpc.nodePublishVolume(NodePublishVolumeRequest(
            volumeId: volume, targetPath: target, volumeCapability: .mount(mode: .singleNodeWriter), volumeContext: context))
    }

    @Test func memoryMediumIsATmpfsWithAHardSizeGoneAfterUnpublish() async throws {
        try await withDriver("emptydir") { driver in
            let target = try driver.newTarget("memory")
            try await Self.publish(driver, volume: "cache", pod: "pod-1", at: target, medium: "Memory", sizeLimit: "4Mi")
            #expect(try MountInfo.mounted(at: target)?.fsType == "tmpfs")
            let result = writeMiB("\(target)/big", count: 5)
            #expect(result.written == 4 && result.errno == ENOSPC, "wrote \(result.written) MiB, stopped by errno \(result.errno)")
            let stats = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: "cache", volumePath: target))
            #expect(stats.usage.first?.total == 4 << 20)
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: "cache", targetPath: target))
            #expect(try !MountInfo.isMountPoint(target))
            #expect(!((try? MountInfo.current()) ?? []).contains { $0.mountPoint.hasPrefix(driver.directory) && $0.fsType == "tmpfs" })
            #expect(!FileManager.default.fileExists(atPath: target))
        }
    }

    @Test func diskMediumLivesAsLongAsThePodAcrossRestartsAndReboots() async throws {
        try await withDriver("emptydir") { driver in
            let target = try driver.newTarget("disk")
            try await Self.publish(driver, volume: "scratch", pod: "pod-2", at: target, sizeLimit: "1Mi")
            let directory = "\(driver.stateDirectory)/volumes/emptydir/pod-2/scratch"
            let mode = try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int
            #expect(mode == 0o777)
            try Data("kept".utf8).write(to: URL(fileURLWithPath: "\(target)/file"))

            try await driver.restart()
            try await Self.publish(driver, volume: "scratch", pod: "pod-2", at: target, sizeLimit: "1Mi")
            #expect(driver.mountPoints.filter { $0 == target }.count == 1)
            try await driver.simulateReboot()
            try await Self.publish(driver, volume: "scratch", pod: "pod-2", at: target, sizeLimit: "1Mi")
            #expect(try String(contentsOfFile: "\(target)/file", encoding: .utf8) == "kept")

            // Without an enforcing quota the limit is measured and reported.
            _ = writeMiB("\(target)/big", count: 2)
            let stats = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: "scratch", volumePath: target))
            let bytes = try #require(stats.usage.first { $0.unit == .bytes })
            #expect(bytes.total == 1 << 20)
            if bytes.used > 1 << 20 {
                #expect(stats.volumeCondition?.abnormal == true)
                #expect(stats.volumeCondition?.message.contains("over its sizeLimit") == true)
            }

            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: "scratch", targetPath: target))
            #expect(!FileManager.default.fileExists(atPath: directory))
            #expect(!FileManager.default.fileExists(atPath: "\(driver.stateDirectory)/volumes/emptydir/pod-2"))
            #expect(driver.mountPoints.isEmpty)
        }
    }

    @Test func unsafeIdsAndNonEphemeralVolumesAreRefused() async throws {
        try await withDriver("emptydir") { driver in
            for (volume, pod) in [("..", "pod"), ("a/b", "pod"), ("v", "../etc"), ("v", "p\u{0}d"), ("v", "")] {
                let target = try driver.newTarget("bad")
                let code = await statusOf { try await Self.publish(driver, volume: volume, pod: pod, at: target) }
                #expect(code == .invalidArgument, "volume \(volume.debugDescription) pod \(pod.debugDescription): \(String(describing: code))")
            }
            let target = try driver.newTarget("medium")
            #expect(await statusOf { try await Self.publish(driver, volume: "v", pod: "p", at: target, medium: "HugePages") } == .invalidArgument)
            #expect(await statusOf { try await Self.publish(driver, volume: "v", pod: "p", at: target, sizeLimit: "lots") } == .invalidArgument)
            let plain = await statusOf {
                _ = try await driver.rpc.nodePublishVolume(NodePublishVolumeRequest(
                    volumeId: "pv-1", targetPath: target, volumeCapability: .mount(mode: .singleNodeWriter)))
            }
            #expect(plain == .notFound)
            let entries = try FileManager.default.contentsOfDirectory(atPath: "\(driver.stateDirectory)/volumes/emptydir")
            #expect(entries.isEmpty)
        }
    }

    @Test func passesTheSanitySuiteWithRestarts() async throws {
        try await withDriver("emptydir") { driver in
            var configuration = SanityConfiguration(endpoint: driver.endpoint)
            configuration.stagingDir = "\(driver.directory)/staging"
            configuration.targetDir = "\(driver.directory)/targets"
            configuration.restartHandler = { try await driver.restart() }
            let report = await SanitySuite.run(configuration)
            #expect(report.failedCount == 0, "\(report.text)\ndriver log:\n\(driver.log().suffix(2000))")
        }
    }
}

/// Writes `count` MiB in 1 MiB writes and fsyncs; how many MiB went through, and the errno that stopped it.
func writeMiB(_ path: String, count: Int) -> (written: Int, errno: Int32) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { return (0, errno) }
    defer { close(fd) }
    let chunk = [UInt8](repeating: 0xcd, count: 1 << 20)
    for index in 0..<count {
        let result = chunk.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        if result != chunk.count { return (index, result < 0 ? errno : ENOSPC) }
    }
    return fsync(fd) == 0 ? (count, 0) : (count, errno)
}
