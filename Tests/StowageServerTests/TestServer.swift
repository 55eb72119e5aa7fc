import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import StowageClient
import StowageStore
import Synchronization
@testable import StowageServer

/// A real API server on a Unix socket in a temporary directory, over a real store, with an `HTTPCluster`
/// connected to it, run in a `ServiceGroup` as `stowage serve` runs it. `stop()` shuts both down and removes the
/// directory.
final class TestServer: @unchecked Sendable {
    let directory: String
    let store: Store
    let cluster: LocalCluster
    let client: HTTPCluster
    private let group: ServiceGroup
    private let task: Task<Void, any Error>
    private let running = RunningFlag()

    var socketPath: String { directory + "/api.sock" }

    init(storeOptions: StoreOptions = StoreOptions()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("server-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try Store.open(directory: directory, options: storeOptions)
        cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        var logger = Logger(label: "test.api")
        logger.logLevel = .critical
        let app = Application(router: APIRouter.make(APIServerContext(cluster: cluster, logger: logger)),
                              configuration: .init(address: .unixDomainSocket(path: directory + "/api.sock")), logger: logger)
        group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        task = Task { [group, running] in
            defer { running.value.store(false, ordering: .sequentiallyConsistent) }
            try await group.run()
        }
        // The socket file appears at bind(2), a moment before listen(2): wait until a connection is accepted.
        let deadline = Date().addingTimeInterval(10)
        while !RawSocketHTTP.accepts(socket: directory + "/api.sock") {
            guard Date() < deadline else { throw RawSocketHTTP.Failure(call: "connect", path: directory + "/api.sock", errno: ETIMEDOUT) }
            try await Task.sleep(for: .milliseconds(10))
        }
        client = try HTTPCluster(endpoint: .stateDirectory(directory))
    }

    /// Whether the server is still running (false once it has shut down).
    var isServing: Bool { running.value.load(ordering: .sequentiallyConsistent) }

    /// Starts a graceful shutdown, as SIGTERM does for `stowage serve`; returns without waiting for it.
    func shutDownGracefully() async {
        await group.triggerGracefulShutdown()
    }

    func stop() async {
        try? await client.shutdown()
        task.cancel()
        _ = await task.result
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends a raw request through the socket; returns the status code, headers and body.
    func raw(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
             accept: String = "application/json") async throws -> (code: Int, body: String, headers: [String: String]) {
        let response = try await rawBytes(method, path, body: body, contentType: contentType, accept: accept)
        return (response.code, String(decoding: response.body, as: UTF8.self), response.headers)
    }

    /// Sends a raw request through the socket; returns the status code, headers and the body's bytes.
    func rawBytes(_ method: String, _ path: String, body: [UInt8]? = nil, contentType: String = "application/json",
                  accept: String = "application/json") async throws -> (code: Int, body: [UInt8], headers: [String: String]) {
        // Blocking socket I/O runs on its own thread: on the cooperative pool it could starve the server's tasks.
        let socket = socketPath
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try RawSocketHTTP.send(socket: socket, method: method, path: path, body: body, contentType: contentType, accept: accept)
                })
            }.start()
        }
    }
}

/// Set while a ``TestServer``'s service group runs.
private final class RunningFlag: Sendable {
    let value = Atomic<Bool>(true)
}

/// A minimal HTTP/1.1 client over a Unix socket (one request per connection), so tests can send exactly the
/// bytes they want — malformed bodies included.
enum RawSocketHTTP {
    /// Sends a GET that keeps the connection open (a watch) and returns the socket once the response head has
    /// arrived; the caller closes it. Blocking.
    static func openStream(socket path: String, path requestPath: String) throws -> Int32 {
        let fd = try connect(socket: path)
        let request = Array("GET \(requestPath) HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress!, $0.count) }) == request.count else {
            let error = Glibc.errno
            close(fd)
            throw Failure(call: "write", path: path, errno: error)
        }
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            let count = read(fd, &byte, 1)
            guard count == 1 else {
                let error = count == 0 ? ECONNRESET : Glibc.errno  // the server closed before the head was whole
                close(fd)
                throw Failure(call: "read", path: path, errno: error)
            }
            head.append(byte)
        }
        return fd
    }

    /// Reads the rest of a chunked response from a socket opened with ``openStream(socket:path:)`` until its
    /// last chunk, and returns the body. Blocking; fails after `timeout` seconds without the last chunk.
    static func readChunkedBody(_ fd: Int32, timeout: Int = 30) throws -> String {
        var wait = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let lastChunk = Array("\r\n0\r\n\r\n".utf8)
        while !response.suffix(lastChunk.count).elementsEqual(lastChunk) {
            let count = read(fd, &buffer, buffer.count)
            guard count > 0 else { throw Failure(call: "read", path: "a watch stream", errno: count == 0 ? ECONNRESET : Glibc.errno) }
            response.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: dechunk(response), as: UTF8.self)
    }

    /// A socket call that failed, with its errno.
    struct Failure: Error, CustomStringConvertible {
        var call: String
        var path: String
        var errno: Int32
        var description: String { "\(call) \(path): \(String(cString: strerror(errno)))" }
    }

    /// Whether a server accepts connections on the socket at `path` now.
    static func accepts(socket path: String) -> Bool {
        guard let fd = try? connect(socket: path) else { return false }
        close(fd)
        return true
    }

    private static func connect(socket path: String) throws -> Int32 {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let error = Glibc.errno
            close(fd)
            throw Failure(call: "connect", path: path, errno: error)
        }
        return fd
    }

    static func send(socket path: String, method: String, path requestPath: String, body: [UInt8]?, contentType: String,
                     accept: String) throws -> (code: Int, body: [UInt8], headers: [String: String]) {
        let fd = try connect(socket: path)
        defer { close(fd) }
        var request = "\(method) \(requestPath) HTTP/1.1\r\nHost: localhost\r\nAccept: \(accept)\r\nConnection: close\r\n"
        if let body { request += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n" }
        request += "\r\n"
        var bytes = Array(request.utf8) + (body ?? [])
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        guard let headerEnd = response.firstRange(of: Array("\r\n\r\n".utf8)) else { return (0, response, [:]) }
        let head = String(decoding: response[..<headerEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
        let code = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            if let colon = line.firstIndex(of: ":") {
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        var payload = Array(response[headerEnd.upperBound...])
        if headers["transfer-encoding"] == "chunked" { payload = dechunk(payload) }
        return (code, payload, headers)
    }

    private static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var rest = bytes[...]
        var out: [UInt8] = []
        let crlf = Array("\r\n".utf8)
        while let lineEnd = rest.firstRange(of: crlf) {
            guard let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0,
                  lineEnd.upperBound + size <= rest.endIndex else { break }
            out.append(contentsOf: rest[lineEnd.upperBound..<(lineEnd.upperBound + size)])
            rest = rest[(lineEnd.upperBound + size)...].dropFirst(2)
        }
        return out
    }
}
