#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A child process started with `posix_spawn` and reaped by a thread of its own blocked in `waitpid`.
///
/// Foundation's `Process` learns that a child ended when a socket it hands the child reaches end-of-file. A
/// container's command that leaves a process behind (a daemon that called `setsid`) passes that socket on, so
/// the end of the command was never noticed and the container never reported as stopped. Here the child gets
/// exactly its three standard descriptors (every other one is closed in the child), and its end is `waitpid`'s.
public final class ChildProcess: Sendable {
    /// The child's pid.
    public let pid: Int32
    private let exit = ExitStatus()
    /// Left when the child has been reaped, for callers that block instead of awaiting.
    private let reaped = DispatchGroup()

    private init(pid: Int32) {
        self.pid = pid
        reaped.enter()
    }

    /// Starts `executable` with `arguments` (not including argv[0]), its standard input, output and error on the
    /// given descriptors, default signal handling and an empty signal mask; in `workingDirectory` when given, with
    /// `environment` when given (else this process's).
    /// - Throws: ``LinuxError`` naming `posix_spawn` and the executable when it cannot be started.
    public static func spawn(_ executable: String, arguments: [String], environment: [String: String]? = nil,
                             workingDirectory: String? = nil, standardInput: Int32, standardOutput: Int32,
                             standardError: Int32) throws -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, standardInput, 0)
        posix_spawn_file_actions_adddup2(&actions, standardOutput, 1)
        posix_spawn_file_actions_adddup2(&actions, standardError, 2)
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }
        if let workingDirectory {
            guard let changeDirectory = Self.addChangeDirectory else {
                throw LinuxError(call: "posix_spawn_file_actions_addchdir_np", path: workingDirectory, errno: ENOSYS)
            }
            _ = changeDirectory(&actions, workingDirectory)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environmentStrings = environment.map { variables in variables.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environmentStrings ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let result = environmentStrings.map { posix_spawn(&pid, executable, &actions, &attributes, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw LinuxError(call: "posix_spawn", path: executable, errno: result) }
        let child = ChildProcess(pid: pid)
        let reaper = Thread { child.reap() }
        reaper.name = "reaper \(pid)"
        reaper.stackSize = 256 * 1024
        reaper.start()
        return child
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; its declaration needs `_GNU_SOURCE`, which the
    /// Glibc module is not built with, so it is looked up by name).
    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    private typealias AddChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+; looked up by name for the same reason).
    private static let addChangeDirectory: AddChangeDirectory? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChangeDirectory.self)
    }()

    /// Blocks in `waitpid` until the child ends, then records its status and wakes the waiters.
    private func reap() {
        var raw: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
        let status: Int32
        if result < 0 {
            status = 255  // not our child any more (reaped elsewhere): nothing more is knowable
        } else if raw & 0x7f == 0 {
            status = (raw >> 8) & 0xff
        } else {
            status = 128 + (raw & 0x7f)  // killed by a signal: 128 + the signal, as container runtimes report it
        }
        exit.finished(status)
        reaped.leave()
    }

    /// Whether the child has ended and been reaped.
    public var hasExited: Bool { exit.hasExited }

    /// The exit code once the child has ended (128 + the signal when a signal ended it).
    public func wait() async -> Int32 { await exit.wait() }

    /// Blocks the calling thread until the child has ended, and returns its exit code (as ``wait()``). Only for
    /// threads of one's own: never on Swift's cooperative pool.
    public func waitUntilExit() -> Int32 {
        reaped.wait()
        return exit.status ?? 255
    }

    /// Sends `signal` to the child, unless it has already been reaped (its pid may belong to another process by then).
    public func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }
}
