import Foundation
import StowageLinux
import StowageCSI

/// A driver shipped with Stowage that a ``TestCluster`` can start: the executable `stowage-<name>` (found next to
/// the running test bundle or the `stowage` binary, or through `$STOWAGE_DRIVERS_DIR`).
public struct BuiltInDriver: Sendable, Hashable {
    /// `hostpath`, `emptydir` or `loop`.
    public let name: String
    /// Extra flags, given the driver's scratch directory.
    public let extraArguments: @Sendable (String) -> [String]

    public static let hostpath = BuiltInDriver(name: "hostpath")
    public static let emptydir = BuiltInDriver(name: "emptydir")
    public static let loop = BuiltInDriver(name: "loop")

    public init(name: String, extraArguments: @escaping @Sendable (String) -> [String] = { _ in [] }) {
        self.name = name
        self.extraArguments = extraArguments
    }

    public static func == (a: BuiltInDriver, b: BuiltInDriver) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The directory holding the driver executables.
    public static var binaries: String {
        if let configured = ProcessInfo.processInfo.environment["STOWAGE_DRIVERS_DIR"], !configured.isEmpty { return configured }
        let running = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: running).deletingLastPathComponent()
        // A test bundle runs from .build/<triple>/debug/<Package>PackageTests.xctest; the drivers sit in debug/.
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("stowage-hostpath").path) { return directory.path }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: running).deletingLastPathComponent().path
    }
}

/// A driver process started by a ``TestCluster`` on a socket in the cluster's plugins directory.
final class DriverProcess: @unchecked Sendable {
    let driver: BuiltInDriver
    let directory: String
    let socket: String
    let nodeName: String
    private var process: PipedProcess?

    init(driver: BuiltInDriver, directory: String, socket: String, nodeName: String) {
        self.driver = driver
        self.directory = directory
        self.socket = socket
        self.nodeName = nodeName
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// Starts the driver and waits (with a deadline) until it answers Probe.
    func start() async throws {
        let executable = "\(BuiltInDriver.binaries)/stowage-\(driver.name)"
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestClusterError("driver executable \(executable) not found: build it (swift build) or set STOWAGE_DRIVERS_DIR")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logPath = "\(directory)/driver.log"
        // posix_spawn, not Foundation's Process: a test process holds many descriptors, and only the driver's
        // standard streams should reach it.
        let process = try PipedProcess.start(executable, arguments: [
            "--endpoint", "unix://\(socket)", "--state-dir", "\(directory)/state", "--node-id", nodeName,
        ] + driver.extraArguments(directory), output: .file(logPath), error: .file(logPath))
        self.process = process
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while ContinuousClock.now < deadline {
            if let client = try? DriverClient(endpoint: "unix://\(socket)", configuration: .init(timeout: .seconds(2))) {
                defer { client.close() }
                if (try? await client.probe()) != nil { return }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestClusterError("driver stowage-\(driver.name) did not answer Probe on \(socket): \(self.log())")
    }

    /// The driver's log so far.
    func log() -> String { (try? String(contentsOfFile: "\(directory)/driver.log", encoding: .utf8)) ?? "" }

    /// Stops the driver (SIGTERM, then SIGKILL after 15 s) and removes its socket.
    func stop() async {
        guard let process else { return }
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(15))
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(5)) }
        if process.isRunning { process.child.signal(SIGKILL) }
        self.process = nil
        try? FileManager.default.removeItem(atPath: socket)
    }
}

/// A failure of the test harness itself (not of the code under test).
public struct TestClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
