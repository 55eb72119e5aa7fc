import Foundation
import StowageLinux
import Testing

/// Runs the built `stowage` executable (next to the test bundle) with a private state directory.
struct CommandRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String

        init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }

        init(_ output: PipedProcess.Output) {
            self.init(status: output.status, stdout: String(decoding: output.standardOutput, as: UTF8.self),
                      stderr: String(decoding: output.standardError, as: UTF8.self))
        }
    }

    let stateDirectory: String
    let workDirectory: String

    /// The `stowage` binary built alongside the tests, or nil when it has not been built.
    static var executable: String? {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: testBinary).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("stowage").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    static func make() throws -> CommandRunner {
        let base = NSTemporaryDirectory() + "stowage-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base + "/work", withIntermediateDirectories: true)
        return CommandRunner(stateDirectory: base + "/state", workDirectory: base + "/work")
    }

    /// Writes `text` to `name` in the work directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = workDirectory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs `stowage <arguments> --state-dir <private dir>` and waits for it, on a thread of its own: the
    /// cooperative pool has one thread per core, and a test holding one for seconds starves every other test.
    /// `input`, when given, is the command's standard input (else /dev/null).
    func run(_ arguments: [String], input: String? = nil) async throws -> Result {
        let process = try start(arguments, pipingInput: input != nil)
        if let input, let handle = process.standardInput {
            try handle.write(contentsOf: Data(input.utf8))
            try handle.close()
        }
        return try await onOwnThread { Result(process.collect()) }
    }

    /// Starts `stowage <arguments> --state-dir <private dir>` without waiting; its output and error are pipes, and
    /// so is its input when `pipingInput`.
    func start(_ arguments: [String], pipingInput: Bool = false) throws -> PipedProcess {
        guard let executable = Self.executable else { throw CocoaError(.fileNoSuchFile) }
        // Before a `--` (exec's command follows it), else at the end.
        var withState = arguments
        withState.insert(contentsOf: ["--state-dir", stateDirectory], at: arguments.firstIndex(of: "--") ?? arguments.endIndex)
        return try PipedProcess.start(executable, arguments: withState, workingDirectory: workDirectory,
                                      input: pipingInput ? .pipe : .null)
    }

    /// Mount points under the state directory (volumes a node agent published and has not yet unmounted).
    func mountsUnderState() -> [String] {
        // Read to the end: String(contentsOfFile:) stops after the first page of a /proc file.
        let table = FileHandle(forReadingAtPath: "/proc/self/mountinfo").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? ""
        return table.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4])
            return point.hasPrefix(stateDirectory + "/") ? point : nil
        }
    }

    /// Removes the directories; a mount a failed test left behind is detached first, so nothing leaks past the run.
    func remove() {
        for point in mountsUnderState().reversed() { umount2(point, Int32(MNT_DETACH)) }
        try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: stateDirectory).deletingLastPathComponent().path)
    }
}

/// Every CLI suite, one test at a time. The CLI tests block the thread they run on (they wait for processes),
/// and Swift's cooperative pool has one thread per core: run in parallel they could take every thread for seconds
/// and starve unrelated tests that poll with deadlines.
@Suite(.serialized) enum CLITests {}

/// Runs blocking work (waiting for a process, polling a socket with usleep) on a thread of its own, so an async
/// test never holds one of the few threads of Swift's cooperative pool that every other test needs.
/// Waits for `process` to exit without holding a thread of the cooperative pool.
func waitForExit(_ process: PipedProcess) async {
    _ = try? await onOwnThread { process.waitUntilExit() }
}

func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try body() })
        }.start()
    }
}
