import Foundation
import Synchronization
import StowageJSON

/// One accepted connection of a `DriverServer`: decodes each line, runs the call as a task, writes the answer.
///
/// Threading: lines are decoded on the connection's `IOLoop` thread; calls run as unstructured tasks (on the
/// loop thread itself or on the global executor, per `DriverServer.Configuration.execution`); answers are
/// written through the loop, which serializes them. The connection closes after the peer stopped sending and
/// every call in flight has been answered.
final class ServerConnection: IOLoopHandler, @unchecked Sendable {
    private struct State {
        var inFlight = 0
        var endOfInput = false
        var draining = false
    }

    let number: Int
    private let server: DriverServer
    private let state = Mutex(State())
    private var loop: IOLoop!
    // Loop-thread only.
    private let decoder: JSONTreeDecoder

    init(fd: Int32, number: Int, server: DriverServer) throws {
        self.number = number
        self.server = server
        decoder = JSONTreeDecoder(userInfo: [IncomingRequest.tableKey: MethodTable.standard])
        loop = try IOLoop(fd: fd, maxLineBytes: server.configuration.maxLineBytes, name: "stowage-csi-conn-\(number)", handler: self)
    }

    func start() { loop.start() }

    /// Stop taking calls: lines read from now on are answered UNAVAILABLE; close once calls in flight finish.
    func drain() {
        let idle = state.withLock { state -> Bool in
            state.draining = true
            return state.inFlight == 0
        }
        if idle { loop.closeWhenFlushed() }
    }

    /// Close now; calls still running finish but their answers are dropped.
    func forceClose() { loop.close() }

    // MARK: IOLoopHandler (loop thread)

    func ioLoop(_ loop: IOLoop, didReadLine line: UnsafeRawBufferPointer) {
        let started = ContinuousClock.now
        let request: IncomingRequest
        do {
            request = try decoder.decode(IncomingRequest.self, from: line)
        } catch {
            answer(id: .null, method: "-", error: CSIError(.parseError, "the line is not valid JSON: \(Self.describe(error))"),
                   started: started, params: nil, secrets: [])
            return
        }
        let method = request.method.map { String($0.prefix(64)) } ?? "-"
        if let problem = request.problem {
            answer(id: request.id, method: method, error: problem, started: started, params: nil, secrets: [])
            return
        }
        guard let entry = request.entry, let params = request.params else { return }
        let draining = state.withLock { state -> Bool in
            if state.draining { return true }
            state.inFlight += 1
            return false
        }
        if draining {
            answer(id: request.id, method: method, error: CSIError(.unavailable, "the driver is shutting down"),
                   started: started, params: nil, secrets: [])
            return
        }
        let rawParams = server.configuration.logParameters ? Data(line) : nil
        server.callStarted()
        let id = request.id
        let driver = server.driver
        let work: @Sendable () async -> Void = { [self] in
            do {
                let result = try await entry.invoke(driver, params)
                self.loop.write(JSONText.success(id: id, result: result))
                self.server.log(DriverCallRecord(method: method, id: id, connection: number, duration: .now - started,
                                                 code: .ok, message: nil, parameters: self.redacted(rawParams)))
            } catch {
                var csi = (error as? CSIError) ?? CSIError(.internal, "\(error)")
                csi.message = Redaction.scrub(csi.message, secrets: entry.secrets(params))
                self.answer(id: id, method: method, error: csi, started: started, params: rawParams, secrets: [])
            }
            self.callFinished()
        }
        switch server.configuration.execution {
        case .concurrent: Task(operation: work)
        case .connectionThread: Task(executorPreference: loop, operation: work)
        }
    }

    func ioLoopDidReadOversizedLine(_ loop: IOLoop) {
        answer(id: .null, method: "-", error: CSIError(.invalidArgument,
            "line longer than \(loop.maxLineBytes) bytes; it is discarded up to its end"), started: .now, params: nil, secrets: [])
    }

    func ioLoopDidReachEndOfInput(_ loop: IOLoop) {
        let idle = state.withLock { state -> Bool in
            state.endOfInput = true
            return state.inFlight == 0
        }
        if idle { loop.closeWhenFlushed() }
    }

    func ioLoopTurn(_ loop: IOLoop) -> Int32 { -1 }

    func ioLoopShouldPauseReading(_ loop: IOLoop) -> Bool {
        state.withLock { $0.inFlight >= server.configuration.maxCallsInFlightPerConnection }
    }

    func ioLoopDidClose(_ loop: IOLoop, error: (any Error)?) {
        server.connectionClosed(self, error: error)
    }

    // MARK: helpers

    private func callFinished() {
        let limit = server.configuration.maxCallsInFlightPerConnection
        let (close, resume) = state.withLock { state -> (Bool, Bool) in
            state.inFlight -= 1
            return (state.inFlight == 0 && (state.endOfInput || state.draining), state.inFlight == limit - 1)
        }
        server.callFinished()
        if close { loop.closeWhenFlushed() } else if resume { loop.wake() }
    }

    private func answer(id: JSONRPCID, method: String, error: CSIError, started: ContinuousClock.Instant,
                        params: Data?, secrets: [String]) {
        loop.write(JSONText.failure(id: id, error: error))
        server.log(DriverCallRecord(method: method, id: id, connection: number, duration: .now - started,
                                    code: error.code, message: error.message, parameters: redacted(params)))
    }

    private func redacted(_ line: Data?) -> String? {
        guard let line, let text = Redaction.redactSecrets(inJSON: line) else { return nil }
        return text
    }

    private static func describe(_ error: any Error) -> String { String("\(error)".prefix(200)) }
}
