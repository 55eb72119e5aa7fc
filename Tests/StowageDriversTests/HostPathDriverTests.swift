import Foundation
import Testing
import StowageCSI
import StowageLinux

/// The built `stowage-hostpath` executable, driven through the protocol, checked on the host: directories,
/// mounts, what survives. Needs root for the bind mounts.
@Suite(.serialized, .enabled(if: getuid() == 0 && DriverProcess.executable("stowage-hostpath") != nil,
                             "needs root (bind mounts) and the built stowage-hostpath"))
struct HostPathDriverTests {
    static let capability = VolumeCapability(accessType: .mount(.init()), accessMode: .init(mode: .singleNodeWriter))

    @Test(arguments: ["../escape", "a/b", "nul\u{0}byte", "..", ""])
    func namesThatCouldEscapeAreRefused(name: String) async throws {
        let driver = try await DriverProcess.start("stowage-hostpath")
        defer { driver.stop() }
        await #expect {
            _ = try await driver.client.createVolume(CreateVolumeRequest(name: name, volumeCapabilities: [Self.capability]))
        } throws: { ($0 as? CSIError)?.code == .invalidArgument }
        #expect(try FileManager.default.contentsOfDirectory(atPath: driver.work + "/state/volumes").isEmpty, "nothing was created")
    }

    @Test func deletingAVolumeNeverFollowsASymlinkOutOfIt() async throws {
        let driver = try await DriverProcess.start("stowage-hostpath")
        defer { driver.stop() }
        let sentinelDirectory = driver.work + "/outside"
        try FileManager.default.createDirectory(atPath: sentinelDirectory, withIntermediateDirectories: true)
        try "keep me".write(toFile: sentinelDirectory + "/sentinel", atomically: true, encoding: .utf8)
        let volume = try await driver.client.createVolume(CreateVolumeRequest(name: "pvc-symlink", volumeCapabilities: [Self.capability])).volume!
        let directory = driver.work + "/state/volumes/" + volume.volumeId
        try FileManager.default.createDirectory(atPath: directory + "/nested", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory + "/nested/link-to-file", withDestinationPath: sentinelDirectory + "/sentinel")
        try FileManager.default.createSymbolicLink(atPath: directory + "/link-to-dir", withDestinationPath: sentinelDirectory)
        _ = try await driver.client.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        #expect(!FileManager.default.fileExists(atPath: directory), "the volume is gone")
        #expect(try String(contentsOfFile: sentinelDirectory + "/sentinel", encoding: .utf8) == "keep me", "the sentinel outside is intact")
    }

    @Test func staticHostPathsOutsideTheAllowListAreRefused() async throws {
        let driver = try await DriverProcess.start("stowage-hostpath")
        defer { driver.stop() }
        let staging = driver.work + "/staging"
        await #expect {
            _ = try await driver.client.nodeStageVolume(NodeStageVolumeRequest(
                volumeId: "static-etc", stagingTargetPath: staging, volumeCapability: Self.capability,
                volumeContext: ["hostpath.stowage.dev/path": "/etc", "hostpath.stowage.dev/type": "Directory"]))
        } throws: { error in
            (error as? CSIError)?.code == .permissionDenied && "\(error)".contains("outside the allowed host paths")
        }
        #expect(!MountTable.isMountPoint(staging))
    }

    @Test func publishedDataSurvivesARestartAndReadOnlyIsHonoured() async throws {
        let driver = try await DriverProcess.start("stowage-hostpath")
        defer { driver.stop() }
        let volume = try await driver.client.createVolume(CreateVolumeRequest(name: "pvc-data", volumeCapabilities: [Self.capability])).volume!
        #expect(volume.volumeContext["hostpath.stowage.dev/size-enforced"] == "false")
        let staging = driver.work + "/staging", target = driver.work + "/target", readOnlyTarget = driver.work + "/ro"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        _ = try await driver.client.nodeStageVolume(NodeStageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging, volumeCapability: Self.capability))
        _ = try await driver.client.nodePublishVolume(NodePublishVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging,
                                                                               targetPath: target, volumeCapability: Self.capability))
        try "hello".write(toFile: target + "/file", atomically: false, encoding: .utf8)
        try await driver.restart()
        _ = try await driver.client.nodePublishVolume(NodePublishVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging,
                                                                               targetPath: readOnlyTarget, volumeCapability: Self.capability, readonly: true))
        #expect(try String(contentsOfFile: readOnlyTarget + "/file", encoding: .utf8) == "hello")
        #expect(!FileManager.default.createFile(atPath: readOnlyTarget + "/other", contents: Data()), "the read-only target refuses writes")
        for path in [target, readOnlyTarget] {
            _ = try await driver.client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: path))
            #expect(!FileManager.default.fileExists(atPath: path))
        }
        _ = try await driver.client.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging))
        _ = try await driver.client.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        let leftovers = try MountTable.current().filter { $0.mountPoint.hasPrefix(driver.work) }
        #expect(leftovers.isEmpty, "no mount is left: \(leftovers.map(\.mountPoint))")
    }
}

/// A driver executable started on a private socket and state directory, with a connected client.
final class DriverProcess: @unchecked Sendable {
    let name: String
    let work: String
    private(set) var process: Process
    private(set) var client: DriverClient

    static func executable(_ name: String) -> String? {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func start(_ name: String) async throws -> DriverProcess {
        let work = "/tmp/stowage-\(name)-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let process = try launch(name, work: work)
        let client = try await connect(work: work, process: process)
        return DriverProcess(name: name, work: work, process: process, client: client)
    }

    private init(name: String, work: String, process: Process, client: DriverClient) {
        self.name = name
        self.work = work
        self.process = process
        self.client = client
    }

    private static func launch(_ name: String, work: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable(name)!)
        process.arguments = ["--endpoint", "unix://\(work)/driver.sock", "--state-dir", work + "/state", "--node-id", "test-node"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func connect(work: String, process: Process) async throws -> DriverClient {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let client = try? DriverClient(endpoint: "unix://\(work)/driver.sock"), (try? await client.probe()) != nil { return client }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw CSIError(.unavailable, "the driver did not answer Probe within 20 s")
    }

    /// Stops the driver (SIGTERM) and starts it again on the same socket and state.
    func restart() async throws {
        client.close()
        process.terminate()
        process.waitUntilExit()
        process = try Self.launch(name, work: work)
        client = try await Self.connect(work: work, process: process)
    }

    /// Stops the driver, unmounts anything left under the work directory, and removes it.
    func stop() {
        client.close()
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        for entry in ((try? MountTable.current()) ?? []).reversed() where entry.mountPoint.hasPrefix(work) {
            try? Mounts.unmount(entry.mountPoint, detach: true)
        }
        try? SafeRemoval.removeTree(work)
    }
}
