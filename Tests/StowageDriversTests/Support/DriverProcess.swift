import Foundation
import StowageCSI
import StowageLinux
import Testing

/// One of the built driver executables (`stowage-hostpath`, `stowage-emptydir`, next to the test bundle in
/// .build/debug) running on a socket in a fresh scratch directory. `restart()` stops it with SIGTERM and starts
/// it again on the same state; `simulateReboot()` also unmounts everything below the directory first.
/// `stop()` unmounts and removes everything, and is safe to call from `defer` after a failure.
final class DriverProcess: @unchecked Sendable {
    let directory: String
    let executable: String
    let extraArguments: [String]
    private var process: PipedProcess?
    private(set) var client: DriverClient?

    var socket: String { "\(directory)/driver.sock" }
    var endpoint: String { "unix://\(socket)" }
    var stateDirectory: String { "\(directory)/state" }
    var targets: String { "\(directory)/pods" }

    /// The directory of the built executables.
    static let binaries: String = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
        if FileManager.default.isExecutableFile(atPath: "\(bundle)/stowage-hostpath") { return bundle }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        return "\(root)/.build/debug"
    }()

    static var isRoot: Bool { geteuid() == 0 }

    init(_ name: String, arguments: (String) -> [String] = { _ in [] }) async throws {
        directory = "/tmp/stowage-driver-test-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        executable = "\(Self.binaries)/stowage-\(name)"
        extraArguments = arguments(directory)
        try FileManager.default.createDirectory(atPath: "\(directory)/pods", withIntermediateDirectories: true)
        do {
            try await start()
        } catch {
            await stop()
            throw error
        }
    }

    private func start() async throws {
        let process = try PipedProcess.start(
            executable, arguments: ["--endpoint", endpoint, "--state-dir", stateDirectory, "--node-id", "test-node"] + extraArguments,
            output: .file("\(directory)/driver.log"), error: .file("\(directory)/driver.log"))
        self.process = process
        // Poll with a deadline until the driver answers Probe.
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while true {
            if let client = try? DriverClient(endpoint: endpoint, configuration: .init(timeout: .seconds(30))),
               (try? await client.probe()) != nil {
                self.client = client
                return
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                throw LinuxError(call: "start", path: executable, detail: "the driver did not answer Probe: \(log())")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The driver's log so far.
    func log() -> String { (try? String(contentsOfFile: "\(directory)/driver.log", encoding: .utf8)) ?? "" }

    private func terminate() async {
        client?.close()
        client = nil
        guard let process else { return }
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        if process.isRunning { process.child.signal(SIGKILL) }
        self.process = nil
    }

    /// Stops the driver and starts a new one on the same socket and state.
    func restart() async throws {
        await terminate()
        try await start()
    }

    /// Stops the driver, unmounts everything it mounted (as a reboot would), and starts it again.
    func simulateReboot() async throws {
        await terminate()
        unmountEverything()
        try await start()
    }

    /// Mount points at or below the scratch directory.
    var mountPoints: [String] {
        ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0 == directory || $0.hasPrefix(directory + "/") }
    }

    private func unmountEverything() {
        for _ in 0..<8 where !mountPoints.isEmpty {
            for point in mountPoints.sorted(by: { $0.count > $1.count }) { try? Mount.unmount(point, mode: .detach) }
        }
    }

    /// Stops the driver, unmounts and removes the scratch directory.
    func stop() async {
        await terminate()
        unmountEverything()
        try? SafeRemoval.remove(path: directory)
    }

    /// The client, or a failure when the driver is not running.
    var rpc: DriverClient {
        get throws {
            guard let client else { throw LinuxError(call: "rpc", path: endpoint, detail: "the driver is not running") }
            return client
        }
    }

    /// A new target path whose parent exists (the driver creates the target).
    func newTarget(_ label: String) throws -> String {
        let parent = "\(targets)/\(label)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        return "\(parent)/volume"
    }
}

/// The CSI status of a failed call, or nil when it succeeded.
func statusOf(_ body: () async throws -> Void) async -> StatusCode? {
    do {
        try await body()
        return nil
    } catch let error as CSIError {
        return error.code
    } catch {
        return .unknown
    }
}

/// Runs `body` with a started driver and always stops it (unmounting and removing its directory) afterwards,
/// also when `body` throws; then checks in /proc/self/mountinfo and on disk that nothing of the test is left.
func withDriver(_ name: String, arguments: @escaping (String) -> [String] = { _ in [] },
                _ body: (DriverProcess) async throws -> Void) async throws {
    let driver = try await DriverProcess(name, arguments: arguments)
    do {
        try await body(driver)
    } catch {
        await driver.stop()
        throw error
    }
    await driver.stop()
    #expect(driver.mountPoints.isEmpty, "mounts left behind: \(driver.mountPoints)")
    #expect(!FileManager.default.fileExists(atPath: driver.directory), "\(driver.directory) left behind")
}
