import Foundation
import StowageCSI

#if canImport(Glibc)
import Glibc
#endif

/// What went wrong talking to a driver, apart from an error response (which is a `CSIError`).
struct DriverConnectionError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// One connection to a driver socket with its own line reader: the sanity tool's view of the wire.
///
/// The suite needs what a typed client hides: raw lines (a line that is not JSON must get PARSE_ERROR), unknown
/// methods, and several requests written before any answer is read. Blocking socket I/O runs on a private serial
/// dispatch queue, never on the Swift concurrency pool, so a driver served in the same process (a test's
/// `DriverServer`) keeps its threads. Calls on one connection are serialised by that queue.
final class DriverConnection: @unchecked Sendable {
    /// The socket path this connection talks to.
    let path: String
    private let fd: Int32
    private let queue: DispatchQueue
    // Touched only on `queue`.
    private var buffer: [UInt8] = []
    private var nextID: Int64 = 1
    private var closed = false

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
        self.queue = DispatchQueue(label: "stowage.sanity.connection")
    }

    deinit { if !closed { _ = Glibc.close(fd) } }

    /// Connects to a Unix socket path. Throws `DriverConnectionError` with the errno text when nobody answers.
    static func connect(path: String) throws -> DriverConnection {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw DriverConnectionError("socket(): \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            _ = Glibc.close(fd)
            throw DriverConnectionError("socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw DriverConnectionError("connect(\(path)): \(reason)")
        }
        return DriverConnection(path: path, fd: fd)
    }

    /// Closes the socket; later calls fail.
    func close() {
        queue.sync {
            if !closed { closed = true; _ = Glibc.close(fd) }
        }
    }

    /// Sends `request` as `method` and returns the decoded result, or throws the driver's `CSIError`, or a
    /// `DriverConnectionError` when the driver hangs up, times out, or answers something that is not a response.
    func call<Request: Encodable, Response: Decodable & Sendable>(
        _ method: String, _ request: Request, as: Response.Type = Response.self, timeout: Duration
    ) async throws -> Response {
        let params = try JSONEncoder().encode(request)
        return try await onQueue { [self] in
            let id = nextID
            nextID += 1
            var line = Data("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":".utf8)
            line.append(params)
            line.append(contentsOf: Array("}\n".utf8))
            try writeAll(line)
            let deadline = ContinuousClock.now.advanced(by: timeout)
            while true {
                let response = try readLine(until: deadline, what: method)
                guard let object = try? JSONSerialization.jsonObject(with: response) as? [String: Any] else {
                    throw DriverConnectionError("\(method): the driver answered a line that is not a JSON object: "
                        + String(decoding: response.prefix(200), as: UTF8.self))
                }
                guard let answeredID = (object["id"] as? NSNumber)?.int64Value, answeredID == id else { continue }
                return try Self.decodeResponse(object, method: method)
            }
        }
    }

    /// Writes raw lines (each must end in a newline) and reads `count` response lines, in arrival order.
    func exchange(_ lines: [String], expecting count: Int, timeout: Duration) async throws -> [[String: Any]] {
        let responses: [Data] = try await onQueue { [self] in
            try writeAll(Data(lines.joined().utf8))
            let deadline = ContinuousClock.now.advanced(by: timeout)
            return try (0..<count).map { _ in try readLine(until: deadline, what: "raw exchange") }
        }
        return try responses.map { line in
            guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw DriverConnectionError("the driver answered a line that is not a JSON object: "
                    + String(decoding: line.prefix(200), as: UTF8.self))
            }
            return object
        }
    }

    // MARK: - Internals (run on `queue`)

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func decodeResponse<Response: Decodable>(_ object: [String: Any], method: String) throws -> Response {
        if let error = object["error"] as? [String: Any] {
            let code = (error["code"] as? NSNumber)?.intValue ?? Int.min
            let message = error["message"] as? String ?? ""
            throw CSIError(StatusCode(rawValue: code), message)
        }
        guard let result = object["result"] else {
            throw DriverConnectionError("\(method): the response has neither result nor error")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: result, options: [.fragmentsAllowed])
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw DriverConnectionError("\(method): the result does not decode as \(Response.self): \(error)")
        }
    }

    private func writeAll(_ data: Data) throws {
        guard !closed else { throw DriverConnectionError("the connection to \(path) is closed") }
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DriverConnectionError("writing to \(path): \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }

    private func readLine(until deadline: ContinuousClock.Instant, what: String) throws -> Data {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if line.allSatisfy({ $0 == 32 || $0 == 13 }) { continue }
                return line
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                throw DriverConnectionError("\(what): no answer within the timeout")
            }
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(clamping: remaining.components.seconds * 1000
                + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&pollfd, 1, milliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                throw DriverConnectionError("poll(\(path)): \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = read(fd, &chunk, chunk.count)
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw DriverConnectionError("reading from \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { throw DriverConnectionError("\(what): the driver closed the connection") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
}
