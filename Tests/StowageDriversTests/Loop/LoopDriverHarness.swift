#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux
import Testing

/// Whether the loop driver's end-to-end tests can run here.
enum LoopDriverHost {
    static var canRun: Bool {
        getuid() == 0 && LoopDevice.isAvailable && access("/usr/sbin/mkfs.ext4", X_OK) == 0 && executable != nil
    }
    static let skipReason: Comment = "needs root, /dev/loop-control, mkfs.ext4 and a built stowage-loop next to the test bundle"

    /// Online ext4 growth (the EXT4_IOC_RESIZE_FS ioctl behind resize2fs) needs CAP_SYS_RESOURCE; some
    /// sandboxes drop it even for root.
    static var canResizeExt4Online: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return false }
        return mask & (1 << 24) != 0
    }

    /// `stowage-loop` in the build directory that holds this test binary.
    static var executable: String? {
        let binary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: binary).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("stowage-loop").path
            if access(candidate, X_OK) == 0 { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

/// One stowage-loop process on a scratch directory, with a client. `tearDown()` leaves no process, mount, loop
/// device or file of the test behind, whatever state the test stopped in.
final class LoopDriverHarness: @unchecked Sendable {
    let work: String
    let state: String
    let socket: String
    private(set) var process: PipedProcess?
    private(set) var client: DriverClient

    init() throws {
        work = "/tmp/stowage-loop-test-\(UUID().uuidString.prefix(8))"
        state = "\(work)/state"
        socket = "\(work)/driver.sock"
        try FileManager.default.createDirectory(atPath: "\(work)/pods", withIntermediateDirectories: true)
        client = try DriverClient(endpoint: "unix://\(socket)", configuration: .init(timeout: .seconds(60)))
    }

    /// Starts the driver (with `options` after the usual ones) and waits (polling Probe, 20 s deadline) until it
    /// answers.
    func start(options: [String] = []) async throws {
        let process = try PipedProcess.start(try #require(LoopDriverHost.executable),
                                             arguments: ["--endpoint", "unix://\(socket)", "--state-dir", state, "--node-id", "test-node"] + options,
                                             output: .file("\(work)/driver.log"), error: .file("\(work)/driver.log"))
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await client.probe(timeout: .seconds(2))
                return
            } catch {
                if ContinuousClock.now > deadline { throw error }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Kills the driver with SIGKILL (no chance to clean up) and waits for it to be gone.
    func kill() {
        guard let process, process.isRunning else { return }
        process.child.signal(SIGKILL)
        process.waitUntilExit()
        self.process = nil
        client.close()
    }

    /// ``kill()`` from a test: the wait runs on a thread of its own, since blocked on the cooperative pool it could
    /// starve (and deadlock) other tests.
    func killFromTest() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                self.kill()
                continuation.resume()
            }.start()
        }
    }

    /// A directory for a staging path (created, as a CO does) and a target path (left for the driver).
    func paths(_ label: String) throws -> (staging: String, target: String) {
        let staging = "\(work)/pods/\(label)-staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let parent = "\(work)/pods/\(label)-pod"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return (staging, "\(parent)/volume")
    }

    /// The backing file of volume `id`.
    func image(_ id: String) -> String { "\(state)/volumes/loop/\(id).img" }

    /// The loop device of volume `id`, if attached.
    func device(_ id: String) throws -> LoopDevice? { try LoopDevice.find(backingFile: image(id)).first }

    /// Mounts whose mount point is inside the scratch directory.
    func mounts() -> [String] {
        return mountinfo().split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4])
            return point.hasPrefix(work + "/") ? point : nil
        }
    }

    /// Loop devices whose backing file is inside the scratch directory.
    func loopDevices() -> [LoopDevice] {
        LoopDevice.all().filter { $0.backingFile?.hasPrefix(work + "/") == true }
    }

    /// Everything a simulated reboot loses: unmounts every mount of the test and detaches its loop devices.
    func simulateReboot() throws {
        kill()
        for point in mounts().reversed() { try checkedSystemCall("umount2", path: point) { umount2(point, 0) } }
        for device in loopDevices() { try device.detach() }
        // A device another process has open at that instant (a child this test process is spawning holds a copy of
        // every descriptor until it execs) is detached when that copy closes: wait for it, as a reboot would.
        let deadline = ContinuousClock.now + .seconds(5)
        while !loopDevices().isEmpty, ContinuousClock.now < deadline { usleep(10_000) }
    }

    /// Stops the driver, unmounts, detaches and removes the scratch directory.
    func tearDown() {
        kill()
        for point in mounts().reversed() where umount2(point, 0) != 0 { _ = umount2(point, Int32(MNT_DETACH)) }
        for device in loopDevices() { try? device.detach() }
        if mounts().isEmpty { try? FileManager.default.removeItem(atPath: work) }
    }
}

/// A mount capability and a block capability, single node writer.
let ext4Capability = VolumeCapability.mount(fsType: "ext4", mode: .singleNodeWriter)
let blockCapability = VolumeCapability.block(mode: .singleNodeWriter)

/// `/proc/self/mountinfo`, decoded leniently (another program's mount name need not be UTF-8).
func mountinfo() -> String {
    // Read to the end: FileManager's contents(atPath:) stops short on a large procfs file.
    String(decoding: FileHandle(forReadingAtPath: "/proc/self/mountinfo")?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
}
