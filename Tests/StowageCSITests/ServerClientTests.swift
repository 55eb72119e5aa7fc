#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import StowageCSI

@Suite("DriverServer and DriverClient over a real socket")
struct ServerClientTests {
    @Test(arguments: [DriverServer.Execution.concurrent, .connectionThread])
    func roundTrips(execution: DriverServer.Execution) async throws {
        let (server, dir) = try startServer(.init(execution: execution))
        defer { dir.remove() }
        let client = try DriverClient(endpoint: "unix://" + dir.socket())
        #expect(try await client.probe().ready == true)
        #expect(try await client.getPluginInfo().name == "test.stowage.dev")
        let created = try await client.createVolume(CreateVolumeRequest(name: "pvc-1", capacityRange: CapacityRange(requiredBytes: 1 << 30),
            volumeCapabilities: [.mount(fsType: "ext4", mode: .singleNodeWriter)]))
        #expect(created.volume == Volume(capacityBytes: 1 << 30, volumeId: "pvc-1"))
        let stats = try await client.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: "pvc-1", volumePath: "/v"))
        #expect(stats.usage.map(\.unit) == [.bytes, .inodes])
        await #expect(throws: CSIError(.notFound, "no volume at relative")) {
            try await client.nodeGetVolumeStats(NodeGetVolumeStatsRequest(volumeId: "pvc-1", volumePath: "relative"))
        }
        await #expect(throws: CSIError.self) { try await client.createVolume(CreateVolumeRequest(name: "crash")) }
        do {
            _ = try await client.createVolume(CreateVolumeRequest(name: "crash"))
        } catch let error as CSIError {
            #expect(error.code == .internal && error.message.contains("imaginary"))
        }
        client.close()
        await server.shutdown()
        #expect(!FileManager.default.fileExists(atPath: dir.socket()))
    }

    @Test func unimplementedAndUnknownMethodsAnswerCode12() async throws {
        let (server, dir) = try startServer()
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        do {
            _ = try await client.deleteSnapshot(DeleteSnapshotRequest(snapshotId: "s"))
            Issue.record("expected UNIMPLEMENTED")
        } catch let error as CSIError {
            #expect(error.code == .unimplemented && error.message.contains("DeleteSnapshot"))
        }
        do {
            _ = try await client.call(method: "NoSuchMethod", params: EmptyMessage(), as: EmptyMessage.self)
            Issue.record("expected UNIMPLEMENTED")
        } catch let error as CSIError {
            #expect(error.code == .unimplemented && error.message.contains("NoSuchMethod"))
        }
        do {
            _ = try await client.call(method: "CreateVolume", params: ["name": 5], as: CreateVolumeResponse.self)
            Issue.record("expected INVALID_ARGUMENT")
        } catch let error as CSIError {
            #expect(error.code == .invalidArgument && error.message.contains("name"))
        }
        await server.shutdown()
    }

    @Test func pipelinedCallsCompleteOutOfOrder() async throws {
        let driver = TestDriver()
        let (server, dir) = try startServer(driver: driver)
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        async let slow = client.createVolume(CreateVolumeRequest(name: "slow-1"))
        #expect(await eventually { driver.gate.waiting == 1 })
        // The slow call is in flight on the same connection; later calls overtake it.
        for i in 0..<20 { #expect(try await client.createVolume(CreateVolumeRequest(name: "fast-\(i)")).volume?.volumeId == "fast-\(i)") }
        #expect(client.inFlightCount == 1 && server.activeCallCount == 1)
        driver.gate.open()
        #expect(try await slow.volume?.volumeId == "slow-1")
        await server.shutdown()
    }

    @Test func malformedLineGetsParseErrorAndTheConnectionKeepsWorking() async throws {
        let (server, dir) = try startServer()
        defer { dir.remove() }
        let raw = try RawConnection(path: dir.socket())
        try raw.send("this is not json\n")
        let answer = try #require(await raw.readObject())
        #expect(errorCode(answer) == -32700)
        #expect(answer["id"] is NSNull)
        #expect(((answer["error"] as? [String: Any])?["data"] as? [String: Any])?["status"] as? String == "PARSE_ERROR")
        try raw.send(#"[1,2]"# + "\n" + #"{"jsonrpc":"2.0","method":"Probe"}"# + "\n")
        #expect(errorCode(await raw.readObject()) == -32600)
        #expect(errorCode(await raw.readObject()) == -32600)
        try raw.send(#"{"jsonrpc":"2.0","id":"abc","method":"Probe","params":{}}"# + "\n")
        let probe = try #require(await raw.readObject())
        #expect(probe["id"] as? String == "abc" && (probe["result"] as? [String: Any])?["ready"] as? Bool == true)
        raw.close()
        await server.shutdown()
    }

    @Test func oversizedLineIsRefusedAndTheConnectionKeepsWorking() async throws {
        let (server, dir) = try startServer()
        defer { dir.remove() }
        let raw = try RawConnection(path: dir.socket())
        var huge = Array(#"{"jsonrpc":"2.0","id":1,"method":"CreateVolume","params":{"name":""#.utf8)
        huge.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: 5 << 20))
        huge.append(contentsOf: Array("\"}}\n".utf8))
        try raw.send(huge)
        let answer = try #require(await raw.readObject())
        #expect(errorCode(answer) == 3)
        try raw.send(#"{"jsonrpc":"2.0","id":2,"method":"Probe"}"# + "\n")
        #expect(try #require(await raw.readObject())["id"] as? Int == 2)
        raw.close()
        await server.shutdown()
    }

    @Test func staleSocketIsRemovedLiveOneRefusedModeIs0600() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        // A stale socket: bound, never listening, its owner gone.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = try UnixSocket.makeAddress(dir.socket())
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        close(fd)
        #expect(FileManager.default.fileExists(atPath: dir.socket()))
        let server = try DriverServer(driver: TestDriver(), endpoint: "unix://" + dir.socket())
        try server.start()
        var info = stat()
        #expect(stat(dir.socket(), &info) == 0 && info.st_mode & 0o777 == 0o600)
        let second = try DriverServer(driver: TestDriver(), endpoint: "unix://" + dir.socket())
        #expect(throws: SocketError.self) { try second.start() }
        do { try second.start() } catch let error as SocketError { #expect(error.errno == EADDRINUSE) }
        // The refused server did not remove the live socket.
        #expect(try await DriverClient(endpoint: dir.socket()).probe().ready == true)
        // Something that is not a socket is never removed.
        _ = FileManager.default.createFile(atPath: dir.socket("file"), contents: Data("keep".utf8))
        #expect(throws: SocketError.self) { try DriverServer(driver: TestDriver(), endpoint: dir.socket("file")).start() }
        #expect(FileManager.default.fileExists(atPath: dir.socket("file")))
        await server.shutdown()
    }

    @Test func secretsNeverReachLogsOrAnswers() async throws {
        let logs = LogCapture()
        let (server, dir) = try startServer(.init(logger: logs, logParameters: true))
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        let secret = "hunter2-very-secret"
        do {
            _ = try await client.createVolume(CreateVolumeRequest(name: "echo-secret", secrets: ["password": secret]))
            Issue.record("expected PERMISSION_DENIED")
        } catch let error as CSIError {
            #expect(error.code == .permissionDenied)
            #expect(!error.message.contains(secret) && error.message.contains("[REDACTED]"))
        }
        _ = try? await client.nodeStageVolume(NodeStageVolumeRequest(volumeId: "v", secrets: ["token": secret]))
        await server.shutdown()
        let lines = logs.all
        #expect(lines.contains { $0.contains("method=CreateVolume") && $0.contains("code=PERMISSION_DENIED") && $0.contains("duration=") })
        #expect(lines.contains { $0.contains("method=NodeStageVolume") })
        #expect(!lines.contains { $0.contains(secret) })
    }
}

@Suite("Line limit")
struct LineLimitTests {
    @Test func configuredLimitAppliesToLinesInsideOneRead() async throws {
        let (server, dir) = try startServer(.init(maxLineBytes: 100))
        defer { dir.remove() }
        let raw = try RawConnection(path: dir.socket())
        let long = #"{"jsonrpc":"2.0","id":1,"method":"CreateVolume","params":{"name":""# + String(repeating: "x", count: 200) + "\"}}\n"
        try raw.send(long + #"{"jsonrpc":"2.0","id":2,"method":"Probe"}"# + "\n")
        #expect(errorCode(await raw.readObject()) == 3)
        #expect(await raw.readObject()?["id"] as? Int == 2)
        raw.close()
        await server.shutdown()
    }
}
