import Foundation
import StowageLinux

/// A real `stowage serve` on a private state directory and a free TCP port, for tests that talk to it with the
/// CLI, kubectl or HTTP. Stopped (SIGTERM, then SIGKILL after a deadline) by `stop()`.
final class ServerProcess: @unchecked Sendable {
    let runner: CommandRunner
    let port: Int
    let process: PipedProcess
    let logPath: String

    var kubeconfig: String { runner.stateDirectory + "/kubeconfig" }
    var socketPath: String { runner.stateDirectory + "/api.sock" }

    /// Starts the server and waits (up to 60 s) until its socket, port and kubeconfig are ready.
    init(runner: CommandRunner, extraArguments: [String] = []) throws {
        self.runner = runner
        port = try Self.freePort()
        logPath = runner.workDirectory + "/serve.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let executable = CommandRunner.executable else { throw CocoaError(.fileNoSuchFile) }
        // The tests start the drivers they need themselves, unless they ask serve for its built-in ones.
        let drivers = extraArguments.contains { $0.hasPrefix("--drivers") } ? [] : ["--drivers", "none"]
        process = try PipedProcess.start(executable, arguments: ["serve", "--state-dir", runner.stateDirectory, "--listen-address", "127.0.0.1:\(port)"] + drivers + extraArguments,
                                         output: .file(logPath), error: .file(logPath))
        let deadline = Date().addingTimeInterval(60)
        while !(FileManager.default.fileExists(atPath: socketPath) && FileManager.default.fileExists(atPath: kubeconfig) && Self.accepts(port: port)) {
            guard process.isRunning else { throw ServerFailure("stowage serve exited: \(log())") }
            guard Date() < deadline else { stop(); throw ServerFailure("stowage serve did not become ready in 60 s: \(log())") }
            usleep(50_000)
        }
    }

    struct ServerFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { process.child.signal(SIGKILL); process.waitUntilExit() }
    }

    /// Runs kubectl against this server (KUBECONFIG set) and waits for it, on a thread of its own.
    func kubectl(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) async throws -> CommandRunner.Result {
        let process = try startKubectl(arguments, environment: environment, stdin: stdin)
        return try await onOwnThread { CommandRunner.Result(process.collect()) }
    }

    func startKubectl(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> PipedProcess {
        var env = ProcessInfo.processInfo.environment
        env["KUBECONFIG"] = kubeconfig
        env["HOME"] = runner.workDirectory
        for (key, value) in environment { env[key] = value }
        let process = try PipedProcess.start(Self.kubectlPath ?? "/usr/bin/kubectl", arguments: arguments, environment: env,
                                             workingDirectory: runner.workDirectory, input: stdin == nil ? .null : .pipe)
        if let stdin, let input = process.standardInput {
            try input.write(contentsOf: Data(stdin.utf8))
            try input.close()
        }
        return process
    }

    /// The installed kubectl, or nil.
    static let kubectlPath: String? = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func freePort() throws -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ServerFailure("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
