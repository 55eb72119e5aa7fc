import Foundation
import StowageLinux
import HummingbirdWebSocket
import NIOCore
import StowageAPI
import StowageJSON
import Synchronization

/// One `pods/exec` over an upgraded WebSocket: starts the process, copies stdin messages to it and its output to
/// stdout and stderr messages, and ends with the exit status on the error channel. A client that goes away takes
/// the process with it (SIGKILL).
struct ExecSession: Sendable {
    let target: PodExecSubresource.Target

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let process: PipedProcess
        do {
            process = try PipedProcess.start(target.argv[0], arguments: Array(target.argv.dropFirst()),
                                             input: target.stdin ? .pipe : .null)
        } catch {
            try await outbound.writeBinaryMessage(PodExecSubresource.frame(3, APIStatus.json(for: APIError(
                .internalError, "cannot start \(target.argv[0]): \(error)"))))
            return
        }
        // Only the child holds its ends of the pipes, so its output ends when it (and what it started) exits.
        let stdoutReader = process.standardOutput!, stderrReader = process.standardError!
        let stdinWriter = process.standardInput ?? FileHandle.nullDevice
        let stdinState = StdinState(open: target.stdin)
        let target = self.target

        let status: Int32? = await withTaskGroup(of: Int32?.self) { group in
            group.addTask {
                // Input: until the client closes stdin (v5) or the connection.
                do {
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    while let message = try await messages.next() {
                        guard case .binary(var buffer) = message, let channel: UInt8 = buffer.readInteger() else { continue }
                        let payload = buffer.readBytes(length: buffer.readableBytes) ?? []
                        if channel == 0, stdinState.isOpen {
                            try? stdinWriter.write(contentsOf: payload)
                        } else if channel == 255, payload.first == 0 {
                            stdinState.close(stdinWriter)
                        }
                    }
                } catch {}
                return nil  // the client is gone
            }
            group.addTask {
                async let out: Void = Self.copy(stdoutReader, to: 1, outbound, send: target.stdout)
                async let err: Void = Self.copy(stderrReader, to: 2, outbound, send: target.stderr)
                _ = await (out, err)
                return await process.child.wait()
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        stdinState.close(stdinWriter)
        guard let status else {
            process.child.signal(SIGKILL)  // the client went away while it ran
            return
        }
        try? await outbound.writeBinaryMessage(PodExecSubresource.frame(3, Self.statusJSON(exitCode: status, command: target.command)))
        try? await outbound.close(.normalClosure, reason: nil)
    }

    /// Copies what the process writes on `handle` as messages of `channel` (dropped when not asked for).
    private static func copy(_ handle: FileHandle, to channel: UInt8, _ outbound: WebSocketOutboundWriter, send: Bool) async {
        // A thread of its own blocks in read(2): Foundation's readabilityHandler did not always report the end.
        let chunks = AsyncStream<Data> { continuation in
            Thread.detachNewThread {
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    continuation.yield(data)
                }
                continuation.finish()
            }
        }
        for await chunk in chunks where send {
            try? await outbound.writeBinaryMessage(PodExecSubresource.frame(channel, chunk))
        }
    }

    /// The error channel's `Status`: Success, or Failure with the exit code as kubectl reads it.
    static func statusJSON(exitCode: Int32, command: [String]) -> JSONValue {
        guard exitCode != 0 else {
            return .object(JSONObject([.init(key: "metadata", value: .object(JSONObject())), .init(key: "status", value: .string("Success"))]))
        }
        let message = "command terminated with non-zero exit code: error executing command [\(command.joined(separator: " "))], exit code \(exitCode)"
        let cause = JSONValue.object(JSONObject([.init(key: "reason", value: .string("ExitCode")),
                                                 .init(key: "message", value: .string(String(exitCode)))]))
        return .object(JSONObject([
            .init(key: "metadata", value: .object(JSONObject())),
            .init(key: "status", value: .string("Failure")),
            .init(key: "message", value: .string(message)),
            .init(key: "reason", value: .string("NonZeroExitCode")),
            .init(key: "details", value: .object(JSONObject([.init(key: "causes", value: .array([cause]))]))),
        ]))
    }
}

/// Whether the command's stdin is still open: the client closes it (v5) once, and it is closed at the end.
private final class StdinState: Sendable {
    private let state: Mutex<Bool>
    init(open: Bool) { state = Mutex(open) }
    var isOpen: Bool { state.withLock { $0 } }

    func close(_ writer: FileHandle) {
        let wasOpen = state.withLock { open in
            defer { open = false }
            return open
        }
        if wasOpen { try? writer.close() }
    }
}
