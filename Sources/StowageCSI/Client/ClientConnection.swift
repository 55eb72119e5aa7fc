#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import StowageJSON

/// One client connection to a driver: many calls in flight, matched to answers by `id`.
///
/// Threading: `send` may be called from any task; answers are read on the connection's `IOLoop` thread, which
/// resumes the waiting calls. Deadlines are enforced by the loop thread too (no timer task per call).
final class ClientConnection: IOLoopHandler, @unchecked Sendable {
    private struct Pending {
        var continuation: UnsafeContinuation<[UInt8], any Error>
        var deadline: ContinuousClock.Instant?
        var method: String
    }
    private struct State {
        var pending: [Int64: Pending] = [:]
        var earliestDeadline: ContinuousClock.Instant?
        var closed = false
    }

    private let state = Mutex(State())
    private var loop: IOLoop!
    let path: String

    /// Connects to `path` and starts the reading thread.
    /// - Throws: `SocketError` when nothing answers at `path`.
    init(path: String, maxLineBytes: Int) throws {
        self.path = path
        let fd = try UnixSocket.connect(path: path)
        do {
            loop = try IOLoop(fd: fd, maxLineBytes: maxLineBytes, name: "stowage-csi-client", handler: self)
        } catch {
            Glibc.close(fd)
            throw error
        }
        loop.start()
    }

    /// Whether the connection ended (a new one must be made for the next call).
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Number of calls waiting for an answer.
    var inFlight: Int { state.withLock { $0.pending.count } }

    /// Sends one request line and waits for the line that answers `id`.
    /// - Throws: `DriverTransportError` (timed out, connection closed), `CSIError(.cancelled)` on task cancellation.
    func send(line: [UInt8], id: Int64, method: String, timeout: Duration?) async throws -> [UInt8] {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<[UInt8], any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CSIError(.cancelled, "\(method): call cancelled"))
                    return
                }
                let deadline = timeout.map { ContinuousClock.now.advanced(by: $0) }
                let (accepted, earlier) = state.withLock { state -> (Bool, Bool) in
                    if state.closed { return (false, false) }
                    state.pending[id] = Pending(continuation: continuation, deadline: deadline, method: method)
                    guard let deadline else { return (true, false) }
                    if let earliest = state.earliestDeadline, earliest <= deadline { return (true, false) }
                    state.earliestDeadline = deadline
                    return (true, true)
                }
                guard accepted else {
                    continuation.resume(throwing: DriverTransportError(.connectionClosed, method: method,
                        detail: "the connection to the driver at \(path) is closed"))
                    return
                }
                loop.write(line)
                if earlier { loop.wake() }
            }
        } onCancel: {
            fail(id: id, with: CSIError(.cancelled, "\(method): call cancelled"))
        }
    }

    /// The connection's I/O thread as a task executor.
    var executor: any TaskExecutor { loop }

    /// Closes the connection; calls in flight fail with `connectionClosed`.
    func close() { loop.close() }

    private func fail(id: Int64, with error: any Error) {
        let entry = state.withLock { $0.pending.removeValue(forKey: id) }
        entry?.continuation.resume(throwing: error)
    }

    private func failAll(_ makeError: (String) -> any Error, closing: Bool) {
        let entries = state.withLock { state -> [Pending] in
            if closing { state.closed = true }
            defer { state.pending = [:]; state.earliestDeadline = nil }
            return Array(state.pending.values)
        }
        for entry in entries { entry.continuation.resume(throwing: makeError(entry.method)) }
    }

    // MARK: IOLoopHandler (loop thread)

    func ioLoop(_ loop: IOLoop, didReadLine line: UnsafeRawBufferPointer) {
        guard let id = ResponseID.parse(line) else {
            let text = DriverTransportError.excerpt(line)
            failAll({ DriverTransportError(.malformedResponse, method: $0,
                detail: "the driver answered a line that is not a JSON-RPC response with a numeric id: \(text)") }, closing: true)
            loop.close()
            return
        }
        let entry = state.withLock { $0.pending.removeValue(forKey: id) }
        entry?.continuation.resume(returning: Array(line))
    }

    func ioLoopDidReadOversizedLine(_ loop: IOLoop) {
        failAll({ DriverTransportError(.malformedResponse, method: $0,
            detail: "the driver answered a line longer than \(loop.maxLineBytes) bytes") }, closing: true)
        loop.close()
    }

    func ioLoopDidReachEndOfInput(_ loop: IOLoop) {
        failAll({ DriverTransportError(.connectionClosed, method: $0,
            detail: "the driver closed the connection with the call in flight (it exited or restarted)") }, closing: true)
        loop.close()
    }

    func ioLoopTurn(_ loop: IOLoop) -> Int32 {
        let now = ContinuousClock.now
        var expired: [Pending] = []
        let sleep: Int32 = state.withLock { state in
            guard let earliest = state.earliestDeadline else { return -1 }
            if earliest > now { return Self.milliseconds(until: earliest, from: now) }
            var next: ContinuousClock.Instant?
            for (id, entry) in state.pending {
                guard let deadline = entry.deadline else { continue }
                if deadline <= now {
                    expired.append(entry)
                    state.pending[id] = nil
                } else if next == nil || deadline < next! {
                    next = deadline
                }
            }
            state.earliestDeadline = next
            return next.map { Self.milliseconds(until: $0, from: now) } ?? -1
        }
        for entry in expired {
            entry.continuation.resume(throwing: DriverTransportError(.timedOut, method: entry.method,
                detail: "the driver did not answer in time (it hangs or is overloaded)"))
        }
        return sleep
    }

    func ioLoopShouldPauseReading(_ loop: IOLoop) -> Bool { false }

    func ioLoopDidClose(_ loop: IOLoop, error: (any Error)?) {
        failAll({ DriverTransportError(.connectionClosed, method: $0,
            detail: "the connection to the driver closed with the call in flight", cause: error) }, closing: true)
    }

    private static func milliseconds(until deadline: ContinuousClock.Instant, from now: ContinuousClock.Instant) -> Int32 {
        let (seconds, attoseconds) = (deadline - now).components
        let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
        return Int32(clamping: ms)
    }
}

/// Finds the numeric `id` of a response line without decoding the whole message.
enum ResponseID {
    private static let prefix = Array("{\"jsonrpc\":\"2.0\",\"id\":".utf8)
    private struct Head: Decodable { var id: JSONRPCID? }

    static func parse(_ line: UnsafeRawBufferPointer) -> Int64? {
        if line.count > prefix.count && line.starts(with: prefix) {
            var value: Int64 = 0
            var index = prefix.count
            var digits = 0
            while index < line.count, line[index] >= 0x30, line[index] <= 0x39, digits < 18 {
                value = value * 10 + Int64(line[index] - 0x30)
                index += 1
                digits += 1
            }
            if digits > 0 && index < line.count && line[index] == UInt8(ascii: ",") { return value }
        }
        guard let head = try? JSONTreeDecoder().decode(Head.self, from: line), case .number(let id)? = head.id else {
            return nil
        }
        return id
    }
}
