#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// Serves a `Driver` on a Unix socket: newline-delimited JSON-RPC 2.0, pipelined calls, many connections.
///
/// ```swift
/// let server = try DriverServer(driver: MyDriver(), endpoint: "unix:///run/my-driver.sock")
/// try server.start()
/// // ...
/// await server.shutdown()
/// ```
///
/// Threading: `start()` binds and starts one accept thread; each connection gets one I/O thread (see `IOLoop`);
/// driver methods run as tasks, concurrently. Nothing blocks Swift's cooperative pool. All methods are safe to
/// call from any thread.
public final class DriverServer: Sendable {
    /// Where driver methods run.
    public enum Execution: Sendable {
        /// On Swift's global executor: a slow method never delays other calls on its connection (default).
        case concurrent
        /// On the connection's I/O thread: no thread hop, lowest latency; methods must not block.
        case connectionThread
    }

    /// Server settings.
    public struct Configuration: Sendable {
        /// File mode of the socket (default 0600: only the owner may connect).
        public var socketMode: mode_t
        /// Longest request line accepted; longer lines get INVALID_ARGUMENT and are discarded.
        public var maxLineBytes: Int
        /// Where driver methods run.
        public var execution: Execution
        /// Receives one record per answered line and lifecycle events; nil logs nothing.
        public var logger: (any DriverLogger)?
        /// Calls one connection may have running; at the limit the server stops reading that connection until
        /// one finishes (backpressure instead of unbounded tasks). Output waiting for a slow reader is capped
        /// the same way (16 MiB).
        public var maxCallsInFlightPerConnection: Int
        /// Whether records carry the request (with every `secrets` map redacted). Costs a JSON re-encoding.
        public var logParameters: Bool
        public init(socketMode: mode_t = 0o600, maxLineBytes: Int = 4 << 20, execution: Execution = .concurrent,
                    logger: (any DriverLogger)? = nil, logParameters: Bool = false, maxCallsInFlightPerConnection: Int = 1024) {
            self.socketMode = socketMode
            self.maxLineBytes = maxLineBytes
            self.execution = execution
            self.logger = logger
            self.logParameters = logParameters
            self.maxCallsInFlightPerConnection = max(1, maxCallsInFlightPerConnection)
        }
    }

    private struct State {
        var listenFD: Int32 = -1
        var socketInode: UInt = 0
        var started = false
        var stopping = false
        var connections: [Int: ServerConnection] = [:]
        var nextConnection = 1
        var acceptThreadRunning = false
    }

    /// The socket path served.
    public let path: String
    public let configuration: Configuration
    let driver: any Driver
    private let state = Mutex(State())
    private let activeCalls = Atomic<Int>(0)

    /// Prepares a server for `endpoint` (`unix:///abs/path.sock` or a path). Does not touch the filesystem.
    /// - Throws: `SocketError` for an endpoint that is not a Unix socket address.
    public init(driver: some Driver, endpoint: String, configuration: Configuration = Configuration()) throws {
        self.driver = driver
        self.path = try UnixSocket.path(fromEndpoint: endpoint)
        self.configuration = configuration
    }

    /// Number of open connections (for tests and metrics).
    public var connectionCount: Int { state.withLock { $0.connections.count } }
    /// Number of calls being run by the driver right now (for tests and metrics).
    public var activeCallCount: Int { activeCalls.load(ordering: .relaxed) }
    /// Whether the accept thread is still running.
    public var isAccepting: Bool { state.withLock { $0.acceptThreadRunning } }

    /// Binds the socket (removing a stale one, refusing a live one), sets its mode, and starts accepting.
    /// - Throws: `SocketError` (`bind` with `EADDRINUSE` when another server answers on the path).
    public func start() throws {
        let fd = try state.withLock { state -> Int32 in
            guard !state.started else { throw SocketError(call: "listen", path: path, errno: EALREADY, detail: "server already started") }
            let fd = try UnixSocket.listen(path: path, mode: configuration.socketMode)
            var info = stat()
            if stat(path, &info) == 0 { state.socketInode = UInt(info.st_ino) }
            state.listenFD = fd
            state.started = true
            state.acceptThreadRunning = true
            return fd
        }
        configuration.logger?.event("listening on unix://\(path)")
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "stowage-csi-accept"
        thread.start()
    }

    /// Starts the server and serves until the calling task is cancelled, then shuts down gracefully.
    /// Fits a service-lifecycle `Service.run()`; use `start()`/`shutdown()` to control the steps yourself.
    /// - Throws: what `start()` throws.
    public func run(shutdownDeadline: Duration = .seconds(10)) async throws {
        try start()
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        await shutdown(deadline: shutdownDeadline)
    }

    /// Graceful shutdown: stop accepting, let calls in flight finish (answering new ones UNAVAILABLE) until
    /// `deadline`, then close every connection and remove the socket file. Safe to call more than once.
    public func shutdown(deadline: Duration = .seconds(10)) async {
        let (fd, connections) = state.withLock { state -> (Int32, [ServerConnection]) in
            state.stopping = true
            defer { state.listenFD = -1 }
            return (state.listenFD, Array(state.connections.values))
        }
        if fd >= 0 { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
        for connection in connections { connection.drain() }
        let end = ContinuousClock.now.advanced(by: deadline)
        while (activeCallCount > 0 || connectionCount > 0 || isAccepting) && ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(1))
        }
        for connection in state.withLock({ Array($0.connections.values) }) { connection.forceClose() }
        while (connectionCount > 0 || isAccepting) && ContinuousClock.now < end.advanced(by: .seconds(1)) {
            try? await Task.sleep(for: .milliseconds(1))
        }
        configuration.logger?.event("stopped serving unix://\(path)")
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client: Int32?
            do {
                client = try UnixSocket.accept(fd, path: path)
            } catch {
                configuration.logger?.event("accept failed, no longer accepting: \(error)")
                client = nil
            }
            guard let client else { break }
            do {
                let connection = try state.withLock { state -> ServerConnection? in
                    if state.stopping { return nil }
                    let connection = try ServerConnection(fd: client, number: state.nextConnection, server: self)
                    state.connections[state.nextConnection] = connection
                    state.nextConnection += 1
                    return connection
                }
                guard let connection else { Glibc.close(client); break }
                configuration.logger?.event("connection \(connection.number) opened")
                connection.start()
            } catch {
                Glibc.close(client)
                configuration.logger?.event("cannot serve a new connection: \(error)")
            }
        }
        Glibc.close(fd)
        var info = stat()
        let inode = state.withLock { $0.socketInode }
        // Remove the socket file only if it is still ours (a new server may have replaced it).
        if stat(path, &info) == 0 && UInt(info.st_ino) == inode { unlink(path) }
        state.withLock { $0.acceptThreadRunning = false }
    }

    func connectionClosed(_ connection: ServerConnection, error: (any Error)?) {
        state.withLock { _ = $0.connections.removeValue(forKey: connection.number) }
        configuration.logger?.event("connection \(connection.number) closed" + (error.map { ": \($0)" } ?? ""))
    }

    func callStarted() { activeCalls.add(1, ordering: .relaxed) }
    func callFinished() { activeCalls.subtract(1, ordering: .relaxed) }
    func log(_ record: DriverCallRecord) { configuration.logger?.log(record) }
}
