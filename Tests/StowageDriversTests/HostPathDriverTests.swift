import Foundation
import StowageCSI
import StowageDriverSanity
import StowageLinux
import Testing

/// The built `stowage-hostpath` executable, driven through `DriverClient` as the node agent drives it.
@Suite(.serialized, .enabled(if: DriverProcess.isRoot, "the driver bind-mounts: run the tests as root"))
struct HostPathDriverTests {
    static let mount = VolumeCapability.mount(mode: .singleNodeWriter)

    static func create(_ driver: DriverProcess, _ name: String, bytes: Int64 = 16 << 20) async throws -> Volume {
        let response = try await driver.rpc.createVolume(CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: bytes), volumeCapabilities: [mount]))
        return try #require(response.volume)
    }

    static func publish(_ driver: DriverProcess, _ volume: Volume, at target: String, readonly: Bool = false,
                        context: [String: String]? = nil) async throws {
        _ = try await driver.rpc.nodePublishVolume(NodePublishVolumeRequest(
            volumeId: volume.volumeId, targetPath: target, volumeCapability: mount, readonly: readonly,
            volumeContext: context ?? volume.volumeContext))
    }

    @Test func namesThatCouldEscapeTheBaseAreInvalidArguments() async throws {
        try await withDriver("hostpath") { driver in
            for name in ["..", "../escape", "a/b", "/abs", "nul\u{0}byte", "a..b", String(repeating: "x", count: 300)] {
                let code = await statusOf { _ = try await Self.create(driver, name) }
                #expect(code == .invalidArgument, "name \(name.debugDescription) gave \(String(describing: code))")
            }
            let base = "\(driver.stateDirectory)/volumes/hostpath"
            let entries = try FileManager.default.contentsOfDirectory(atPath: base)
            #expect(entries == ["..spare"], "nothing but the driver's spare directories")
            #expect(!FileManager.default.fileExists(atPath: "\(driver.stateDirectory)/volumes/escape"))
        }
    }

    @Test func deleteLeavesWhatSymlinksInsideThePointAt() async throws {
        try await withDriver("hostpath") { driver in
            let outside = "\(driver.directory)/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(outside)/sentinel"))

            let volume = try await Self.create(driver, "pvc-symlinks")
            let target = try driver.newTarget("symlinks")
            try await Self.publish(driver, volume, at: target)
            try FileManager.default.createDirectory(atPath: "\(target)/deep/er", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(target)/deep/er/to-dir", withDestinationPath: outside)
            try FileManager.default.createSymbolicLink(atPath: "\(target)/to-file", withDestinationPath: "\(outside)/sentinel")
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))

            #expect(try String(contentsOfFile: "\(outside)/sentinel", encoding: .utf8) == "keep")
            #expect(!FileManager.default.fileExists(atPath: "\(driver.stateDirectory)/volumes/hostpath/pvc-symlinks"))
            #expect(!FileManager.default.fileExists(atPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))  // again: OK
        }
    }

    @Test func staticHostPathsOnlyFromTheAllowList() async throws {
        try await withDriver("hostpath", arguments: { ["--host-path-allow-list", "\($0)/allowed"] }) { driver in
            let allowed = "\(driver.directory)/allowed", forbidden = "\(driver.directory)/forbidden"
            try FileManager.default.createDirectory(atPath: forbidden, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: allowed, withIntermediateDirectories: true)
            // A symlink inside the allow-list that leads out of it does not widen it.
            try FileManager.default.createSymbolicLink(atPath: "\(allowed)/sneaky", withDestinationPath: forbidden)
            let key = "hostpath.stowage.dev/path", type = "hostpath.stowage.dev/type"
            let volume = Volume(volumeId: "static-pv")
            func attempt(_ path: String, _ kind: String) async throws -> StatusCode? {
                let target = try driver.newTarget("static")
                return await statusOf { try await Self.publish(driver, volume, at: target, context: [key: path, type: kind]) }
            }
            #expect(try await attempt(forbidden, "Directory") == .permissionDenied)
            #expect(try await attempt("/etc", "") == .permissionDenied)
            #expect(try await attempt("\(allowed)/sneaky", "Directory") == .permissionDenied)
            #expect(try await attempt("\(allowed)/../forbidden", "Directory") == .invalidArgument)
            #expect(try await attempt("\(allowed)/missing", "Directory") == .failedPrecondition)
            #expect(try await attempt("\(allowed)", "File") == .failedPrecondition)
            #expect(try await attempt("\(allowed)", "Bogus") == .invalidArgument)
            let target = try driver.newTarget("static-ok")
            try await Self.publish(driver, volume, at: target, context: [key: "\(allowed)/made", type: "DirectoryOrCreate"])
            #expect(try MountInfo.isMountPoint(target))
            try Data("hi".utf8).write(to: URL(fileURLWithPath: "\(target)/through-the-mount"))
            #expect(FileManager.default.fileExists(atPath: "\(allowed)/made/through-the-mount"))
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(FileManager.default.fileExists(atPath: "\(allowed)/made/through-the-mount"), "static data is never deleted")
        }
    }

    @Test func readOnlyPublishAndHonestSizeContext() async throws {
        try await withDriver("hostpath") { driver in
            let volume = try await Self.create(driver, "pvc-ro")
            let enforced = volume.volumeContext["hostpath.stowage.dev/size-enforced"]
            #expect(enforced == "true" || enforced == "false")
            if enforced == "false" {
                #expect(volume.volumeContext["hostpath.stowage.dev/size-not-enforced-reason"]?.isEmpty == false)
            }
            let target = try driver.newTarget("ro")
            try await Self.publish(driver, volume, at: target, readonly: true)
            #expect(try MountInfo.mounted(at: target)?.isReadOnly == true)
            #expect(open("\(target)/x", O_WRONLY | O_CREAT, 0o644) == -1 && errno == EROFS)
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
    }

    @Test func survivesRestartAndSimulatedReboot() async throws {
        try await withDriver("hostpath") { driver in
            let volume = try await Self.create(driver, "pvc-reboot")
            let target = try driver.newTarget("reboot")
            try await Self.publish(driver, volume, at: target)
            try Data("bytes".utf8).write(to: URL(fileURLWithPath: "\(target)/data"))

            try await driver.restart()
            #expect(try await Self.create(driver, "pvc-reboot").volumeId == volume.volumeId)
            try await Self.publish(driver, volume, at: target)
            #expect(driver.mountPoints.filter { $0 == target }.count == 1)

            try await driver.simulateReboot()
            #expect(try !MountInfo.isMountPoint(target))
            let stats = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target))
            #expect(stats.volumeCondition?.abnormal == true, "not mounted after the reboot")
            try await Self.publish(driver, volume, at: target)
            #expect(try String(contentsOfFile: "\(target)/data", encoding: .utf8) == "bytes")
            let after = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target))
            #expect(after.usage.count == 2 && after.volumeCondition?.abnormal == false)

            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
            let listed = try await driver.rpc.listVolumes(ListVolumesRequest())
            #expect(listed.entries.isEmpty)
            #expect(driver.mountPoints.isEmpty)
        }
    }

    @Test func volumeRecordsOfEarlierVersionsMoveIntoTheDatabase() async throws {
        try await withDriver("hostpath") { driver in
            // What a driver before the database left: one JSON file per volume next to the base directory.
            let legacy = "\(driver.stateDirectory)/volumes"
            try FileManager.default.createDirectory(atPath: "\(legacy)/hostpath/pvc-legacy", withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(legacy)/hostpath/pvc-legacy/data"))
            try Data(#"{"accessModes":["SINGLE_NODE_WRITER"],"capacityBytes":33554432,"name":"pvc-legacy","parameters":{},"sizeNotEnforcedReason":"no quota"}"#.utf8)
                .write(to: URL(fileURLWithPath: "\(legacy)/pvc-legacy.json"))
            let fresh = try await Self.create(driver, "pvc-fresh")

            try await driver.restart()
            let listed = try await driver.rpc.listVolumes(ListVolumesRequest()).entries.compactMap(\.volume)
            #expect(listed.map(\.volumeId).sorted() == ["pvc-fresh", "pvc-legacy"])
            #expect(listed.first { $0.volumeId == "pvc-legacy" }?.capacityBytes == 32 << 20)
            #expect(!FileManager.default.fileExists(atPath: "\(legacy)/pvc-legacy.json"), "the file is gone once its row is committed")
            let header = try #require(FileManager.default.contents(atPath: "\(driver.stateDirectory)/hostpath.db")).prefix(20)
            #expect(header.count == 20 && header[18] == 2 && header[19] == 2, "the database is in write-ahead-log mode")

            // The moved volume is a volume like any other: published with its data, then deleted.
            let target = try driver.newTarget("legacy")
            try await Self.publish(driver, try #require(listed.first { $0.volumeId == "pvc-legacy" }), at: target)
            #expect(try String(contentsOfFile: "\(target)/data", encoding: .utf8) == "keep")
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: "pvc-legacy", targetPath: target))
            for id in ["pvc-legacy", fresh.volumeId] { _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: id)) }
            try await driver.restart()
            #expect(try await driver.rpc.listVolumes(ListVolumesRequest()).entries.isEmpty, "deletions are durable too")
        }
    }

    @Test func volumeDirectoriesAndTargetsComeFromSpareDirectoriesAndStrayEntriesAreNeverHandedOut() async throws {
        try await withDriver("hostpath") { driver in
            let base = "\(driver.stateDirectory)/volumes/hostpath", spares = "\(base)/..spare"
            func isEmptyOpenDirectory(_ path: String) -> Bool {
                var info = stat()
                return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR && (info.st_mode & 0o777) == 0o777
                    && (try? FileManager.default.contentsOfDirectory(atPath: path).isEmpty) == true
            }
            func spareEntries(atLeast count: Int) async throws -> [String] {
                let deadline = ContinuousClock.now.advanced(by: .seconds(10))
                while true {
                    let entries = try FileManager.default.contentsOfDirectory(atPath: spares)
                    if entries.count >= count || ContinuousClock.now > deadline { return entries }
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            // The driver makes a batch of 32 as it starts, on a thread of its own.
            let made = try await spareEntries(atLeast: 32)
            #expect(made.count == 32 && made.allSatisfy { isEmptyOpenDirectory("\(spares)/\($0)") }, "\(made)")
            _ = try await Self.create(driver, "pvc-first")
            #expect(isEmptyOpenDirectory("\(base)/pvc-first"), "an empty directory every pod user may write")
            #expect(try FileManager.default.contentsOfDirectory(atPath: spares).count == 31, "one became the volume")
            // A mount target is taken from the spares too (where a rename can reach it), and goes at unpublish.
            let first = try driver.newTarget("first")
            try await Self.publish(driver, Volume(volumeId: "pvc-first", volumeContext: [:]), at: first)
            #expect(try MountInfo.isMountPoint(first))
            #expect(try FileManager.default.contentsOfDirectory(atPath: spares).count == 30)
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: "pvc-first", targetPath: first))
            #expect(!FileManager.default.fileExists(atPath: first))
            #expect(isEmptyOpenDirectory("\(base)/pvc-first"))

            // Entries the driver did not leave there are removed at start, links without following them.
            let outside = "\(driver.directory)/outside"
            try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(outside)/sentinel"))
            try Data("stray".utf8).write(to: URL(fileURLWithPath: "\(spares)/stray-file"))
            try FileManager.default.createDirectory(atPath: "\(spares)/not-empty", withIntermediateDirectories: true)
            try Data("someone's".utf8).write(to: URL(fileURLWithPath: "\(spares)/not-empty/data"))
            try FileManager.default.createSymbolicLink(atPath: "\(spares)/link", withDestinationPath: outside)
            try await driver.restart()
            let kept = try FileManager.default.contentsOfDirectory(atPath: spares)
            #expect(!kept.contains { ["stray-file", "not-empty", "link"].contains($0) }, "\(kept)")
            #expect(kept.allSatisfy { isEmptyOpenDirectory("\(spares)/\($0)") })
            #expect(try String(contentsOfFile: "\(outside)/sentinel", encoding: .utf8) == "keep")

            // 40 more volumes, more than the spares at hand: each one an empty directory, and the spares refilled.
            for index in 0..<40 { _ = try await Self.create(driver, "pvc-\(index)") }
            #expect((0..<40).allSatisfy { isEmptyOpenDirectory("\(base)/pvc-\($0)") })
            #expect(try await spareEntries(atLeast: 17).count >= 17, "refilled above half a batch")

            // A spare is no static hostPath, even though the base directory is on the allow-list.
            let spare = try #require(try FileManager.default.contentsOfDirectory(atPath: spares).first)
            let target = try driver.newTarget("spare")
            let refused = await #expect(throws: CSIError.self) {
                try await Self.publish(driver, Volume(volumeId: "static-spare"), at: target,
                                       context: ["hostpath.stowage.dev/path": "\(spares)/\(spare)", "hostpath.stowage.dev/type": "Directory"])
            }
            #expect(refused?.code == .permissionDenied)
            #expect(refused?.message == "\(spares)/\(spare) is inside \(spares), where the driver keeps directories for future volumes")
            #expect(try !MountInfo.isMountPoint(target))

            // Something other than a directory where a volume's directory goes is never taken over (nor followed).
            try FileManager.default.createSymbolicLink(atPath: "\(base)/pvc-link", withDestinationPath: outside)
            let taken = await #expect(throws: CSIError.self) { _ = try await Self.create(driver, "pvc-link") }
            #expect(taken?.code == .internal)
            #expect(taken?.message == "\(base)/pvc-link exists and is not a directory; it was not made by this driver")
            #expect(try String(contentsOfFile: "\(outside)/sentinel", encoding: .utf8) == "keep")
            #expect(try await driver.rpc.listVolumes(ListVolumesRequest()).entries.allSatisfy { $0.volume?.volumeId != "pvc-link" })
        }
    }

    @Test func publishRecordsOfEarlierVersionsMoveIntoTheDatabase() async throws {
        try await withDriver("hostpath") { driver in
            let volume = try await Self.create(driver, "pvc-published")
            // What a driver before the database left for a target it published: a JSON file named by the target's
            // hash, and the bind mount itself; plus an empty file a power loss left (dropped, as those versions did).
            let target = try driver.newTarget("legacy")
            let source = "\(driver.stateDirectory)/volumes/hostpath/pvc-published"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            try Mount.bind(source, to: target, readOnly: false)
            let legacy = "\(driver.stateDirectory)/published"
            try FileManager.default.createDirectory(atPath: legacy, withIntermediateDirectories: true)
            let record = #"{"accessMode":"SINGLE_NODE_WRITER","readonly":false,"source":"\#(source)","targetIsFile":false,"targetPath":"\#(target)","volumeContext":{},"volumeId":"pvc-published"}"#
            try Data(record.utf8).write(to: URL(fileURLWithPath: "\(legacy)/\(pathHashFileName(target))"))
            try Data().write(to: URL(fileURLWithPath: "\(legacy)/\(pathHashFileName("/lost/by/power/loss"))"))

            try await driver.restart()
            #expect(try FileManager.default.contentsOfDirectory(atPath: legacy).isEmpty, "the files are gone once their rows are committed")
            #expect(await statusOf { _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId)) } == .failedPrecondition,
                    "the driver knows the volume is published")
            let stats = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target))
            #expect(stats.volumeCondition?.abnormal == false)
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            #expect(try !MountInfo.isMountPoint(target) && !FileManager.default.fileExists(atPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
            try await driver.restart()
            #expect(try await driver.rpc.listVolumes(ListVolumesRequest()).entries.isEmpty)
            #expect(driver.mountPoints.isEmpty)
        }
    }

    @Test func passesTheSanitySuiteWithRestarts() async throws {
        try await withDriver("hostpath") { driver in
            var configuration = SanityConfiguration(endpoint: driver.endpoint)
            configuration.stagingDir = "\(driver.directory)/staging"
            configuration.targetDir = "\(driver.directory)/targets"
            configuration.restartHandler = { try await driver.restart() }
            let report = await SanitySuite.run(configuration)
            #expect(report.failedCount == 0, "\(report.text)\ndriver log:\n\(driver.log().suffix(2000))")
            #expect(report.result("Restart/after-publish")?.outcome == .passed)
            #expect(driver.mountPoints.isEmpty)
        }
    }

    @Test(.enabled(if: KernelQuotaSupport.xfs, "this kernel cannot mount XFS with prjquota (built without CONFIG_XFS_QUOTA)"))
    func a16MiBVolumeOnXFSRefusesThe17thMiB() async throws {
        let filesystem = try LoopFilesystem(type: "xfs", sizeMiB: 320, mkfsArguments: ["-q", "-f"], options: "prjquota")
        defer { filesystem.tearDown() }
        try await withDriver("hostpath", arguments: { _ in ["--base-dir", "\(filesystem.mountPoint)/volumes"] }) { driver in
            let volume = try await Self.create(driver, "pvc-quota", bytes: 16 << 20)
            #expect(volume.volumeContext["hostpath.stowage.dev/size-enforced"] == "true")
            let target = try driver.newTarget("quota")
            try await Self.publish(driver, volume, at: target)
            let result = writeMiB("\(target)/data", count: 17)
            #expect(result.written >= 15 && result.written < 17, "wrote \(result.written) MiB into a 16 MiB volume")
            #expect(result.errno == EDQUOT || result.errno == ENOSPC, "stopped by errno \(result.errno)")
            let stats = try await driver.rpc.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target))
            #expect(stats.usage.first?.total == 16 << 20)
            _ = try await driver.rpc.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            _ = try await driver.rpc.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
    }
}
