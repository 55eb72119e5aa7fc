#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization
import Testing
@testable import StowageCSI

/// A temporary directory removed when the test ends (call `remove()` in a defer).
struct TempDir {
    let path: String
    init() throws {
        var template = Array("/tmp/stowage-csi-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SocketError(call: "mkdtemp", errno: errno) }
        path = String(cString: made)
    }
    func socket(_ name: String = "d.sock") -> String { path + "/" + name }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A gate tasks wait on until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    func wait() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
    var waiting: Int { state.withLock { $0.waiters.count } }
}

/// Captures log lines.
final class LogCapture: DriverLogger {
    let lines = Mutex<[String]>([])
    func log(_ record: DriverCallRecord) { lines.withLock { $0.append(record.description) } }
    func event(_ message: String) { lines.withLock { $0.append(message) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A small driver for the tests: `CreateVolume` names steer its behaviour.
struct TestDriver: Driver {
    let gate = Gate()
    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: "test.stowage.dev", vendorVersion: "1.0")
    }
    func probe(_ request: ProbeRequest) async throws -> ProbeResponse { ProbeResponse(ready: true) }
    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse {
        if request.name.isEmpty { throw CSIError.invalidArgument("name is required") }
        if request.name.hasPrefix("slow") || request.name.hasPrefix("hang") { await gate.wait() }
        if request.name == "echo-secret" {
            throw CSIError(.permissionDenied, "credentials \(request.secrets.values.joined(separator: ",")) rejected")
        }
        if request.name == "crash" { throw SocketError(call: "imaginary", errno: EIO) }
        return CreateVolumeResponse(volume: Volume(capacityBytes: request.capacityRange?.requiredBytes ?? 0, volumeId: request.name))
    }
    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
        guard request.volumePath.hasPrefix("/") else { throw CSIError.notFound("no volume at \(request.volumePath)") }
        return NodeGetVolumeStatsResponse(usage: [
            VolumeUsage(available: 1 << 30, total: 2 << 30, used: 1 << 30, unit: .bytes),
            VolumeUsage(available: 1000, total: 2000, used: 1000, unit: .inodes),
        ], volumeCondition: VolumeCondition(abnormal: false, message: "healthy"))
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let end = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < end {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return condition()
}

/// A raw socket speaking lines, for sending what a well-behaved client never would. Its reads block, so
/// they run on a thread of their own (`line()`, `object()`), never on Swift's cooperative pool.
final class RawConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer: [UInt8] = []
    init(path: String) throws { fd = try UnixSocket.connect(path: path) }
    deinit { close() }
    private var closed = false
    func close() { if !closed { closed = true; Glibc.close(fd) } }
    func send(_ text: String) throws { try send(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue }; throw SocketError(call: "send", errno: errno) }
            offset += n
        }
    }
    /// Reads one line (without `\n`); nil at end of stream or after `timeout`.
    func readLine(timeout: Duration = .seconds(10)) -> String? {
        let end = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            let left = end - ContinuousClock.now
            if left <= .zero { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            if poll(&pfd, 1, ms) <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }
    /// Reads one line on a dedicated thread.
    func line(timeout: Duration = .seconds(10)) async -> String? {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.readLine(timeout: timeout)) }.start()
        }
    }
    /// Reads one line (on a dedicated thread) and parses it as a JSON object.
    func readObject(timeout: Duration = .seconds(10)) async -> [String: Any]? {
        guard let line = await line(timeout: timeout) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

/// The `error.code` of a parsed answer.
func errorCode(_ object: [String: Any]?) -> Int? { (object?["error"] as? [String: Any])?["code"] as? Int }

/// Starts a `TestDriver` server in a fresh temp dir.
func startServer(_ configuration: DriverServer.Configuration = .init(), driver: TestDriver = TestDriver()) throws -> (DriverServer, TempDir) {
    let dir = try TempDir()
    let server = try DriverServer(driver: driver, endpoint: "unix://" + dir.socket(), configuration: configuration)
    try server.start()
    return (server, dir)
}
