import Foundation

#if canImport(Glibc)
import Glibc
#endif
import StowageCSI

extension SanityContext {
    /// Restarts the driver (the configured command or handler), then waits until a new connection answers
    /// Probe with ready (or absent) within `restartTimeout`. Skips the check when no restart method is set.
    func restartDriver(_ step: String) async throws {
        guard configuration.canRestart else {
            throw CheckSkip("no restart command given (--restart-command)")
        }
        disconnect()
        if let handler = configuration.restartHandler {
            do { try await handler() } catch { throw CheckFailure("restart \(step): the restart handler threw \(error)") }
        } else if let command = configuration.restartCommand {
            let status = try await Self.runShell(command)
            try ensure(status == 0, "restart \(step): the restart command exited with status \(status)")
        }
        try await waitForProbe("restart \(step)")
    }

    /// Polls Probe on fresh connections until the driver is ready or the deadline passes.
    func waitForProbe(_ step: String) async throws {
        let deadline = ContinuousClock.now.advanced(by: configuration.restartTimeout)
        var lastProblem = "no attempt"
        while ContinuousClock.now < deadline {
            do {
                let connection = try DriverConnection.connect(path: socketPath)
                let response = try await connection.call(
                    ProbeRequest.method.rawValue, ProbeRequest(), as: ProbeResponse.self, timeout: .seconds(5))
                if response.ready ?? true {
                    connection.close()
                    return
                }
                lastProblem = "Probe answered ready=false"
                connection.close()
            } catch {
                lastProblem = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(50))  // polling a condition with a deadline
        }
        throw CheckFailure("\(step): the driver did not answer Probe within \(configuration.restartTimeout)"
                           + " (last: \(lastProblem))")
    }

    /// Runs `/bin/sh -c command` with the tool's standard output and error and returns its exit status.
    /// posix_spawn + waitpid on a dispatch thread: the command usually leaves a driver running in the
    /// background, and only the shell's own exit matters.
    static func runShell(_ command: String) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "stowage.sanity.restart").async {
                var pid = pid_t()
                let arguments = ["/bin/sh", "-c", command]
                var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
                defer { for pointer in argv { free(pointer) } }
                var actions = posix_spawn_file_actions_t()
                posix_spawn_file_actions_init(&actions)
                posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                defer { posix_spawn_file_actions_destroy(&actions) }
                // Dispatch threads block signals, and a spawned process inherits the mask: without this the
                // driver the command starts could never be stopped with SIGTERM.
                var attributes = posix_spawnattr_t()
                posix_spawnattr_init(&attributes)
                defer { posix_spawnattr_destroy(&attributes) }
                var noSignals = sigset_t()
                sigemptyset(&noSignals)
                var defaultSignals = sigset_t()
                sigfillset(&defaultSignals)
                posix_spawnattr_setsigmask(&attributes, &noSignals)
                posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
                posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
                let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, environ)
                guard spawned == 0 else {
                    continuation.resume(throwing: CheckFailure(
                        "cannot run the restart command: posix_spawn: \(String(cString: strerror(spawned)))"))
                    return
                }
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 {
                    if errno != EINTR {
                        continuation.resume(throwing: CheckFailure(
                            "waiting for the restart command: \(String(cString: strerror(errno)))"))
                        return
                    }
                }
                // WIFEXITED / WEXITSTATUS, which Swift does not import as macros.
                let exited = (status & 0x7f) == 0
                continuation.resume(returning: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
            }
        }
    }
}
