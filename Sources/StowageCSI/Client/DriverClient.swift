import Foundation
import Synchronization
import StowageJSON

/// A client for a driver's socket: typed calls for every RPC, pipelining, a small connection pool, per-call
/// timeouts, and reconnection after the driver restarts.
///
/// Errors: every failure is thrown as `CSIError`. The driver's own answers keep their code and message; transport
/// failures carry a `DriverTransportError` in `cause` — a hung driver gives DEADLINE_EXCEEDED, a driver that died
/// mid-call or is not running gives UNAVAILABLE, garbage on the wire gives INTERNAL with the text received.
///
/// Threading: all methods may be called concurrently from any task. Blocking socket reads happen on one dedicated
/// thread per connection; calls only write (without blocking) and wait on a continuation.
public final class DriverClient: Sendable {
    /// Client settings.
    public struct Configuration: Sendable {
        /// Timeout of a call unless the call names its own; nil waits forever.
        public var timeout: Duration?
        /// Connections used round-robin; each carries any number of calls in flight.
        public var connections: Int
        /// Longest answer line accepted.
        public var maxLineBytes: Int
        public init(timeout: Duration? = .seconds(60), connections: Int = 1, maxLineBytes: Int = 4 << 20) {
            self.timeout = timeout
            self.connections = max(1, connections)
            self.maxLineBytes = maxLineBytes
        }
    }

    /// The socket path this client talks to.
    public let path: String
    public let configuration: Configuration
    private let slots: Mutex<[ClientConnection?]>
    private let nextID = Atomic<Int64>(1)
    private let nextSlot = Atomic<Int>(0)

    /// Creates a client for `endpoint` (`unix:///abs/path.sock` or a path). Connects lazily, on the first call.
    /// - Throws: `SocketError` for an endpoint that is not a Unix socket address.
    public init(endpoint: String, configuration: Configuration = Configuration()) throws {
        self.path = try UnixSocket.path(fromEndpoint: endpoint)
        self.configuration = configuration
        self.slots = Mutex(Array(repeating: nil, count: configuration.connections))
    }

    deinit { close() }

    /// Closes every connection; calls in flight fail with UNAVAILABLE. A later call connects again.
    public func close() {
        let open = slots.withLock { slots -> [ClientConnection] in
            defer { slots = Array(repeating: nil, count: slots.count) }
            return slots.compactMap { $0 }
        }
        for connection in open { connection.close() }
    }

    /// Number of calls currently waiting for an answer, over all connections.
    public var inFlightCount: Int { slots.withLock { $0 }.reduce(0) { $0 + ($1?.inFlight ?? 0) } }

    /// Calls the RPC `R.method` with `request` and decodes its response.
    /// - Parameter timeout: overrides `configuration.timeout` for this call.
    /// - Throws: `CSIError` (see the type's documentation).
    public func call<R: CSIRequest>(_ request: R, timeout: Duration? = nil) async throws -> R.Response {
        try await call(method: R.method.rawValue, params: request, as: R.Response.self, timeout: timeout)
    }

    /// Calls any method by name with any encodable `params` and decodes `result` as `Result`. Useful for
    /// methods outside protocol version 1 and for testing drivers with odd requests.
    /// - Throws: `CSIError` (see the type's documentation).
    public func call<Params: Encodable, Result: Decodable>(method: String, params: Params, as: Result.Type,
                                                           timeout: Duration? = nil) async throws -> Result {
        let encoded: [UInt8]
        do {
            encoded = try JSONStreamEncoder().encode(params)
        } catch {
            throw DriverTransportError(.encodingFailed, method: method, detail: "cannot encode params: \(error)", cause: error).csiError
        }
        let answer = try await roundTrip(method: method, params: encoded, timeout: timeout ?? configuration.timeout)
        return try Self.decodeResponse(answer, method: method, as: Result.self)
    }

    /// Sends `params` (already JSON) under `method` and returns the raw answer line.
    func roundTrip(method: String, params: [UInt8], timeout: Duration?) async throws -> [UInt8] {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let line = JSONText.request(id: id, method: method, params: params)
        let connection = try connection(method: method)
        do {
            return try await connection.send(line: line, id: id, method: method, timeout: timeout)
        } catch let error as DriverTransportError {
            throw error.csiError
        }
    }

    /// Runs `body` with the I/O thread of the client's first connection as its task executor preference, so
    /// that an answer resumes the waiting call on the thread that read it, with no hop to the global executor.
    /// For latency-critical callers (and the benchmark). `body` must not block: it delays every answer.
    /// - Throws: what `body` throws; `CSIError` UNAVAILABLE when the driver cannot be reached.
    public func onConnectionThread<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        let connection = try slots.withLock { slots -> ClientConnection in
            if let existing = slots[0], !existing.isClosed { return existing }
            do {
                let fresh = try ClientConnection(path: path, maxLineBytes: configuration.maxLineBytes)
                slots[0] = fresh
                return fresh
            } catch {
                throw DriverTransportError(.connectFailed, detail: "cannot connect to the driver at \(path): \(error)", cause: error).csiError
            }
        }
        return try await withTaskExecutorPreference(connection.executor) { try await body() }
    }

    private func connection(method: String) throws -> ClientConnection {
        let count = configuration.connections
        let index = count == 1 ? 0 : nextSlot.wrappingAdd(1, ordering: .relaxed).oldValue % count
        return try slots.withLock { slots in
            if let existing = slots[index], !existing.isClosed { return existing }
            do {
                let fresh = try ClientConnection(path: path, maxLineBytes: configuration.maxLineBytes)
                slots[index] = fresh
                return fresh
            } catch {
                throw DriverTransportError(.connectFailed, method: method,
                    detail: "cannot connect to the driver at \(path): \(error)", cause: error).csiError
            }
        }
    }

    private struct ResponseEnvelope<Result: Decodable>: Decodable {
        var result: Result?
        var error: JSONRPCErrorObject?
    }

    static func decodeResponse<Result: Decodable>(_ line: [UInt8], method: String, as: Result.Type) throws -> Result {
        let envelope: ResponseEnvelope<Result>
        do {
            envelope = try JSONTreeDecoder().decode(ResponseEnvelope<Result>.self, from: line)
        } catch {
            throw DriverTransportError(.malformedResponse, method: method,
                detail: "the driver's answer does not decode (\(Self.describe(error))): \(DriverTransportError.excerpt(line))",
                cause: error).csiError
        }
        if let error = envelope.error { throw error.csiError }
        if let result = envelope.result { return result }
        throw DriverTransportError(.malformedResponse, method: method,
            detail: "the driver's answer has neither result nor error: \(DriverTransportError.excerpt(line))").csiError
    }

    /// A short, path-qualified description of a decoding error.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \(path(context)).\(key.stringValue)"
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
