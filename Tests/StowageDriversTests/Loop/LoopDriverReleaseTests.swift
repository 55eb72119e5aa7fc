#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux
import Testing

/// Unstaging while another mount namespace holds a copy of the volume's mount — what a container that is starting
/// does for a moment, and what made a snapshot taken right after an unstage come out without the last file.
@Suite(.enabled(if: LoopDriverHost.canRun, LoopDriverHost.skipReason))
struct LoopDriverReleaseTests {
    static let mebibyte: Int64 = 1 << 20

    /// A process in a private copy of this mount namespace (so it holds every mount there is now) until `release()`.
    final class MountNamespaceHolder: Sendable {
        let process: PipedProcess

        init() throws {
            process = try PipedProcess.start("/usr/bin/unshare", arguments: ["--mount", "--propagation", "private",
                                                                              "sh", "-c", "echo held; read line"],
                                             input: .pipe, output: .pipe, error: .null)
            let ready = process.standardOutput?.readData(ofLength: 5) ?? Data()
            guard String(decoding: ready, as: UTF8.self) == "held\n" else {
                process.child.signal(SIGKILL)
                process.waitUntilExit()
                throw LinuxError(call: "unshare", path: "", errno: EIO, detail: "the holder did not start")
            }
        }

        var pid: Int32 { process.processIdentifier }

        /// Ends the process (and with it the namespace's copies of the mounts).
        func release() {
            try? process.standardInput?.close()
            process.waitUntilExit()
        }
    }

    /// What the backing file itself holds at `path` (read with debugfs, not through any mount).
    func fileInImage(_ image: String, _ path: String) throws -> String {
        let output = try PipedProcess.run("/usr/sbin/debugfs", arguments: ["-R", "cat \(path)", image])
        return String(decoding: output.standardOutput, as: UTF8.self)
    }

    func volumeWithAFileJustWritten(_ h: LoopDriverHarness, _ name: String) async throws -> (Volume, (staging: String, target: String)) {
        let volume = try #require(try await h.client.createVolume(CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: 32 * Self.mebibyte), volumeCapabilities: [ext4Capability])).volume)
        let paths = try h.paths(name)
        _ = try await h.client.nodeStageVolume(NodeStageVolumeRequest(
            volumeId: volume.volumeId, stagingTargetPath: paths.staging, volumeCapability: ext4Capability))
        _ = try await h.client.nodePublishVolume(NodePublishVolumeRequest(
            volumeId: volume.volumeId, stagingTargetPath: paths.staging, targetPath: paths.target, volumeCapability: ext4Capability))
        // Not synced: only unmounting the filesystem brings it to the backing file.
        try "written last".write(toFile: "\(paths.target)/last.txt", atomically: false, encoding: .utf8)
        return (volume, paths)
    }

    @Test func unstagingReturnsOnlyOnceAnotherNamespaceLetGoAndTheBackingFileHasEveryWrite() async throws {
        let h = try LoopDriverHarness()
        defer { h.tearDown() }
        try await h.start()
        let (volume, paths) = try await volumeWithAFileJustWritten(h, "pvc-held-briefly")
        let holder = try MountNamespaceHolder()
        _ = try await h.client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: paths.target))
        let releasing = Task.detached {
            try await Task.sleep(for: .milliseconds(300))
            holder.release()
        }
        _ = try await h.client.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: paths.staging))
        #expect(!holder.process.isRunning, "unstage returned while another namespace still held the filesystem")
        try await releasing.value
        #expect(h.loopDevices().isEmpty, "loop device left attached: \(h.loopDevices())")
        #expect(try fileInImage(h.image(volume.volumeId), "/last.txt") == "written last")
        _ = try await h.client.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
    }

    @Test func aHolderThatStaysFailsTheUnstageNamingItAndARetryAfterwardsSucceeds() async throws {
        let h = try LoopDriverHarness()
        defer { h.tearDown() }
        try await h.start(options: ["--release-timeout", "0.3"])
        let (volume, paths) = try await volumeWithAFileJustWritten(h, "pvc-held-long")
        let holder = try MountNamespaceHolder()
        defer { holder.release() }
        _ = try await h.client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: paths.target))
        let unstage = NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: paths.staging)
        do {
            _ = try await h.client.nodeUnstageVolume(unstage)
            Issue.record("unstage succeeded while pid \(holder.pid) held the filesystem")
        } catch let error as CSIError {
            #expect(error.code == .failedPrecondition)
            #expect(error.message.contains("mount namespace of pid \(holder.pid) (sh)"), "\(error.message)")
            #expect(error.message.contains("stayed in use for 0.3 seconds"), "\(error.message)")
        }
        #expect(!LoopMountsProbe.isMountPoint(paths.staging), "the host's own mount is gone either way")
        // The volume is still staged as far as the driver knows, so the CO's retries finish the unstage (the
        // kernel lets the device go shortly after the holder exits; on a busy machine, after a retry or two).
        holder.release()
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await h.client.nodeUnstageVolume(unstage)
                break
            } catch let error as CSIError where error.code == .failedPrecondition && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(h.loopDevices().isEmpty, "loop device left attached: \(h.loopDevices())")
        #expect(try fileInImage(h.image(volume.volumeId), "/last.txt") == "written last")
        _ = try await h.client.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
    }

    @Test func aReleaseTimeoutThatIsNotANumberOfSecondsIsRefusedSayingSo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stowage-loop-usage-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for value in ["soon", "-1", "7200"] {
            let output = try PipedProcess.run(try #require(LoopDriverHost.executable), arguments: [
                "--endpoint", "unix://\(directory)/driver.sock", "--state-dir", "\(directory)/state", "--node-id", "n",
                "--release-timeout", value])
            let message = String(decoding: output.standardError, as: UTF8.self)
            #expect(output.status == 1)
            #expect(message.contains("--release-timeout \"\(value)\" is not a number of seconds from 0 to 3600"), "\(message)")
            #expect(access("\(directory)/driver.sock", F_OK) != 0, "nothing served")
        }
    }
}
