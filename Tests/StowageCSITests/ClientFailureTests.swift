#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import StowageCSI

/// A fake driver on a raw socket: accepts one connection, reads one line, then does what the test says.
private final class ScriptedDriver: @unchecked Sendable {
    enum Behaviour { case closeAfterRead, answer(String) }
    let listenFD: Int32
    init(path: String, behaviour: Behaviour) throws {
        listenFD = try UnixSocket.listen(path: path, mode: 0o600)
        let fd = listenFD
        let thread = Thread {
            guard let client = try? UnixSocket.accept(fd, path: path) else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var got: [UInt8] = []
            while !got.contains(0x0A) {
                let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                if n <= 0 { break }
                got.append(contentsOf: buffer[..<n])
            }
            if case .answer(let text) = behaviour {
                _ = Array(text.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            }
            close(client)
        }
        thread.start()
    }
    deinit { shutdown(listenFD, Int32(SHUT_RDWR)); close(listenFD) }
}

private func transportKind(_ error: CSIError) -> DriverTransportError.Kind? { (error.cause as? DriverTransportError)?.kind }

@Suite("DriverClient against failing drivers")
struct ClientFailureTests {
    @Test func hungDriverGivesDeadlineExceeded() async throws {
        let driver = TestDriver()
        let (server, dir) = try startServer(driver: driver)
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket(), configuration: .init(timeout: .milliseconds(100)))
        do {
            _ = try await client.createVolume(CreateVolumeRequest(name: "hang"))
            Issue.record("expected DEADLINE_EXCEEDED")
        } catch let error as CSIError {
            #expect(error.code == .deadlineExceeded && transportKind(error) == .timedOut)
            #expect(error.message.contains("CreateVolume"))
        }
        // No bound on the elapsed time (a loaded CI machine can take seconds to schedule the timer): the driver
        // answers only after the gate opens below, so getting here at all means the deadline ended the call.
        // The connection stays usable after a timeout; a per-call timeout overrides the default.
        #expect(try await client.probe(timeout: .seconds(10)).ready == true)
        driver.gate.open()
        await server.shutdown()
    }

    @Test func clientReconnectsAfterTheDriverRestarts() async throws {
        let (first, dir) = try startServer()
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        #expect(try await client.probe().ready == true)
        await first.shutdown()
        do {
            _ = try await client.probe()
            Issue.record("expected UNAVAILABLE while no driver runs")
        } catch let error as CSIError {
            #expect(error.code == .unavailable)
        }
        let second = try DriverServer(driver: TestDriver(), endpoint: dir.socket())
        try second.start()
        #expect(try await client.probe().ready == true)
        await second.shutdown()
    }

    @Test func driverDyingMidCallGivesUnavailable() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let fake = try ScriptedDriver(path: dir.socket(), behaviour: .closeAfterRead)
        let client = try DriverClient(endpoint: dir.socket())
        do {
            _ = try await client.probe()
            Issue.record("expected UNAVAILABLE")
        } catch let error as CSIError {
            #expect(error.code == .unavailable && transportKind(error) == .connectionClosed)
            #expect(error.message.contains("closed the connection"))
        }
        withExtendedLifetime(fake) {}
    }

    @Test(arguments: [
        ("garbage from a broken driver\n", "garbage from a broken driver"),
        (#"{"jsonrpc":"2.0","id":1,"result":{"ready":"certainly"}}"# + "\n", "certainly"),
        (#"{"jsonrpc":"2.0","id":1}"# + "\n", "neither result nor error"),
    ])
    func garbageAnswerIsReportedAsInternal(answer: String, expected: String) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let fake = try ScriptedDriver(path: dir.socket(), behaviour: .answer(answer))
        let client = try DriverClient(endpoint: dir.socket())
        do {
            _ = try await client.probe()
            Issue.record("expected INTERNAL")
        } catch let error as CSIError {
            #expect(error.code == .internal && transportKind(error) == .malformedResponse)
            #expect(error.message.contains(expected))
        }
        withExtendedLifetime(fake) {}
    }

    @Test func noDriverGivesUnavailable() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let client = try DriverClient(endpoint: "unix://" + dir.socket())
        do {
            _ = try await client.probe()
            Issue.record("expected UNAVAILABLE")
        } catch let error as CSIError {
            #expect(error.code == .unavailable && transportKind(error) == .connectFailed)
            #expect(error.message.contains(dir.socket()))
        }
        #expect(throws: SocketError.self) { try DriverClient(endpoint: "tcp://localhost:1") }
    }
}
