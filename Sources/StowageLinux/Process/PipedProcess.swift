#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop
import Foundation
import Synchronization

/// A program run as a ``ChildProcess`` with its standard streams on pipes (or a file, or /dev/null): for running a
/// tool and reading what it prints. Unlike Foundation's `Process`, the child inherits no descriptor but its three
/// standard ones, and its end is learnt from `waitpid`.
public final class PipedProcess: Sendable {
    /// Where one of the child's streams goes, or comes from.
    public enum Stream: Sendable {
        /// A pipe whose other end this process reads (output) or writes (input).
        case pipe
        /// `/dev/null`.
        case null
        /// A file, appended to (output) or read (input).
        case file(String)
    }

    /// The running child.
    public let child: ChildProcess
    /// This process's end of the child's standard input, when it is a pipe.
    public let standardInput: FileHandle?
    /// This process's end of the child's standard output, when it is a pipe.
    public let standardOutput: FileHandle?
    /// This process's end of the child's standard error, when it is a pipe.
    public let standardError: FileHandle?

    /// What a finished program printed and how it ended.
    public struct Output: Sendable {
        /// The exit code (128 + the signal when a signal ended it).
        public var status: Int32
        public var standardOutput: Data
        public var standardError: Data
    }

    private init(child: ChildProcess, standardInput: FileHandle?, standardOutput: FileHandle?, standardError: FileHandle?) {
        self.child = child
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Starts `executable` with `arguments`; `environment` replaces this process's when given.
    /// - Throws: ``LinuxError`` when a pipe or file cannot be opened or the program cannot be started.
    public static func start(_ executable: String, arguments: [String], environment: [String: String]? = nil,
                             workingDirectory: String? = nil, input: Stream = .null, output: Stream = .pipe,
                             error: Stream = .pipe) throws -> PipedProcess {
        var opened: [Int32] = []  // every descriptor made here; the child's ends are closed once it has them
        defer { for descriptor in opened { close(descriptor) } }
        func childEnd(_ stream: Stream, reading: Bool) throws -> (child: Int32, ours: FileHandle?) {
            switch stream {
            case .null:
                let descriptor = open("/dev/null", (reading ? O_RDONLY : O_WRONLY) | O_CLOEXEC)
                guard descriptor >= 0 else { throw LinuxError.lastError("open", path: "/dev/null") }
                opened.append(descriptor)
                return (descriptor, nil)
            case .file(let path):
                let descriptor = open(path, (reading ? O_RDONLY : O_WRONLY | O_APPEND | O_CREAT) | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { throw LinuxError.lastError("open", path: path) }
                opened.append(descriptor)
                return (descriptor, nil)
            case .pipe:
                var ends: [Int32] = [-1, -1]
                guard stowage_pipe_cloexec(&ends) == 0 else { throw LinuxError.lastError("pipe2", path: executable) }
                let (childSide, ourSide) = reading ? (ends[0], ends[1]) : (ends[1], ends[0])
                opened.append(childSide)
                return (childSide, FileHandle(fileDescriptor: ourSide, closeOnDealloc: true))
            }
        }
        let stdin = try childEnd(input, reading: true)
        let stdout = try childEnd(output, reading: false)
        let stderr = try childEnd(error, reading: false)
        let child = try ChildProcess.spawn(executable, arguments: arguments, environment: environment,
                                           workingDirectory: workingDirectory, standardInput: stdin.child,
                                           standardOutput: stdout.child, standardError: stderr.child)
        return PipedProcess(child: child, standardInput: stdin.ours, standardOutput: stdout.ours, standardError: stderr.ours)
    }

    /// Runs `executable` to its end on the calling thread (never one of Swift's cooperative pool), with `input`
    /// written to its standard input, and returns what it printed.
    public static func run(_ executable: String, arguments: [String], environment: [String: String]? = nil,
                           workingDirectory: String? = nil, input: Data? = nil) throws -> Output {
        let process = try start(executable, arguments: arguments, environment: environment,
                                workingDirectory: workingDirectory, input: input == nil ? .null : .pipe)
        if let input, let handle = process.standardInput {
            // A writer of its own, so a child that prints before reading all of its input cannot deadlock us.
            Thread.detachNewThread {
                try? handle.write(contentsOf: input)
                try? handle.close()
            }
        }
        return process.collect()
    }

    /// Reads the child's output and error to their ends (both at once, so neither pipe fills and stalls the child)
    /// and waits for it. Blocks the calling thread.
    public func collect() -> Output {
        let errorText = Mutex(Data())
        let errorRead = DispatchGroup()
        if let standardError {
            errorRead.enter()
            Thread.detachNewThread {
                let data = standardError.readDataToEndOfFile()
                errorText.withLock { $0 = data }
                errorRead.leave()
            }
        }
        let output = standardOutput?.readDataToEndOfFile() ?? Data()
        errorRead.wait()
        return Output(status: child.waitUntilExit(), standardOutput: output, standardError: errorText.withLock { $0 })
    }

    /// The child's pid.
    public var processIdentifier: Int32 { child.pid }
    /// Whether the child has not yet ended.
    public var isRunning: Bool { !child.hasExited }
    /// Sends SIGTERM.
    public func terminate() { child.signal(SIGTERM) }
    /// Blocks until the child has ended; returns its exit code.
    @discardableResult public func waitUntilExit() -> Int32 { child.waitUntilExit() }
}
