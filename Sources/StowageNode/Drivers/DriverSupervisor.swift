import Foundation
import Logging
import StowageLinux

/// Runs the built-in drivers as child processes and keeps them running: `stowage-<name> --endpoint
/// unix://<plugins>/<name>.sock --state-dir <state>/drivers/<name> --node-id <node>`, each with its output appended
/// to `<state>/drivers/<name>/driver.log`. A driver that exits is started again after a backoff (1 s, doubling to
/// 30 s; back to 1 s once it has run for a minute). On cancellation each gets SIGTERM, then SIGKILL after 10 s.
public final class DriverSupervisor: Sendable {
    /// The drivers Stowage ships.
    public static let builtIn = ["hostpath", "emptydir", "loop"]

    public let names: [String]
    let binaries: String
    let stateDirectory: String
    let pluginsDirectory: String
    let nodeName: String
    private let logger: Logger

    /// - Parameters:
    ///   - names: drivers to run (`hostpath`, `emptydir`, `loop`).
    ///   - binaries: the directory holding `stowage-<name>` (``defaultBinaries`` finds it next to the running program).
    public init(names: [String], binaries: String = DriverSupervisor.defaultBinaries, stateDirectory: String,
                pluginsDirectory: String, nodeName: String, logger: Logger) {
        self.names = names
        self.binaries = binaries
        self.stateDirectory = stateDirectory
        self.pluginsDirectory = pluginsDirectory
        self.nodeName = nodeName
        self.logger = logger
    }

    /// `$STOWAGE_DRIVERS_DIR`, else the directory of the running executable.
    public static var defaultBinaries: String {
        if let configured = ProcessInfo.processInfo.environment["STOWAGE_DRIVERS_DIR"], !configured.isEmpty { return configured }
        let running = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return (running as NSString).deletingLastPathComponent
    }

    /// Checks that every driver's executable is there, so a missing one is reported before anything starts.
    /// - Throws: ``NodeAgentError`` naming the missing executable.
    public func checkExecutables() throws {
        for name in names where !FileManager.default.isExecutableFile(atPath: executable(name)) {
            throw NodeAgentError("driver executable \(executable(name)) not found: build the drivers (swift build), set STOWAGE_DRIVERS_DIR, or leave \(name) out with --drivers")
        }
    }

    /// The path of driver `name`'s executable in ``defaultBinaries``, for tools that start one driver themselves.
    /// - Throws: ``NodeAgentError`` naming the path looked at and the build command that makes it.
    public static func executable(named name: String) throws -> String {
        let path = executable(name, in: defaultBinaries)
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw NodeAgentError("driver executable \(path) not found: build it with the same configuration as this program (swift build -c release --product stowage-\(name)), or set STOWAGE_DRIVERS_DIR")
        }
        return path
    }

    /// Supervises every driver until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for name in names { group.addTask { await self.supervise(name) } }
        }
    }

    func executable(_ name: String) -> String { Self.executable(name, in: binaries) }

    private static func executable(_ name: String, in binaries: String) -> String { "\(binaries)/stowage-\(name)" }

    /// A driver left running by an earlier `stowage serve` that was killed (its children outlive it): stopped
    /// before a new one is started on the same state, so two never serve one directory. Only a process whose
    /// command line names this driver's state directory is signalled.
    static func stopLeftover(pidPath: String, stateDirectory: String) {
        guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
              let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")) else { return }
        let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains(stateDirectory) else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < deadline { usleep(20_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
    }

    private func supervise(_ name: String) async {
        var backoff = Duration.seconds(1)
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                let status = try await runOnce(name)
                guard !Task.isCancelled else { return }
                logger.warning("driver exited; starting it again", metadata: ["driver": "\(name)", "status": "\(status)", "after": "\(backoff)"])
            } catch {
                logger.error("driver could not be started", metadata: ["driver": "\(name)", "error": "\(error)", "after": "\(backoff)"])
            }
            if ContinuousClock.now - started > .seconds(60) { backoff = .seconds(1) }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(30))
        }
    }

    /// Starts the driver and waits for it to exit (or for cancellation, which stops it); returns its exit status.
    private func runOnce(_ name: String) async throws -> Int32 {
        let directory = "\(stateDirectory)/drivers/\(name)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let socket = "\(pluginsDirectory)/\(name).sock"
        let logPath = "\(directory)/driver.log"
        let pidPath = "\(directory)/driver.pid"
        Self.stopLeftover(pidPath: pidPath, stateDirectory: "\(directory)/state")
        let process = try PipedProcess.start(executable(name), arguments: [
            "--endpoint", "unix://\(socket)", "--state-dir", "\(directory)/state", "--node-id", nodeName,
        ], output: .file(logPath), error: .file(logPath))
        try? Data("\(process.processIdentifier)\n".utf8).write(to: URL(fileURLWithPath: pidPath))
        logger.info("driver started", metadata: ["driver": "\(name)", "pid": "\(process.processIdentifier)", "socket": "\(socket)"])
        // The wait outlasts cancellation: the driver is reaped before this returns, so it never outlives serve.
        return await withTaskCancellationHandler {
            await process.child.wait()
        } onCancel: {
            process.terminate()
            Thread.detachNewThread {
                // SIGKILL if it has not gone after 10 s; the reaper ends the wait either way.
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning, Date() < deadline { usleep(20_000) }
                process.child.signal(SIGKILL)
            }
        }
    }
}

