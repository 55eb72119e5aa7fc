import Foundation
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
        try await waitForProbe(step)
    }

    /// Polls Probe on fresh connections until the driver is ready or the deadline passes.
    func waitForProbe(_ step: String) async throws {
        let deadline = ContinuousClock.now.advanced(by: configuration.restartTimeout)
        var lastProblem = "no attempt"
        while ContinuousClock.now < deadline {
            do {
                let connection = try DriverConnection.connect(path: socketPath)
                let response = try await connection.call(
                    ProbeRequest.method, ProbeRequest(), as: ProbeResponse.self, timeout: .seconds(5))
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
        throw CheckFailure("restart \(step): the driver did not answer Probe within \(configuration.restartTimeout)"
                           + " (last: \(lastProblem))")
    }

    /// Runs `/bin/sh -c command` with the tool's standard streams and returns its exit status.
    static func runShell(_ command: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in continuation.resume(returning: finished.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: CheckFailure("cannot run the restart command: \(error)"))
            }
        }
    }
}
