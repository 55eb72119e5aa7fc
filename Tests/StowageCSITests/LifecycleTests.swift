import Foundation
import Testing
@testable import StowageCSI

@Suite("Server lifecycle, pool and client placement")
struct LifecycleTests {
    @Test func shutdownLetsCallsInFlightFinish() async throws {
        let driver = TestDriver()
        let logs = LogCapture()
        let (server, dir) = try startServer(.init(logger: logs), driver: driver)
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        async let slow = client.createVolume(CreateVolumeRequest(name: "slow-shutdown"))
        #expect(await eventually { driver.gate.waiting == 1 })
        async let stopped: Void = server.shutdown(deadline: .seconds(20))
        #expect(await eventually { !server.isAccepting })
        #expect(server.activeCallCount == 1)
        driver.gate.open()
        #expect(try await slow.volume?.volumeId == "slow-shutdown")
        await stopped
        #expect(server.connectionCount == 0 && server.activeCallCount == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.socket()))
        #expect(logs.all.contains { $0.contains("stopped serving") })
    }

    @Test func poolSpreadsCallsOverConnections() async throws {
        let (server, dir) = try startServer()
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket(), configuration: .init(connections: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<60 {
                group.addTask {
                    let id = try await client.createVolume(CreateVolumeRequest(name: "p\(i)")).volume?.volumeId
                    #expect(id == "p\(i)")
                }
            }
            try await group.waitForAll()
        }
        #expect(server.connectionCount == 3)
        client.close()
        #expect(await eventually { server.connectionCount == 0 })
        await server.shutdown()
    }

    @Test func callerOnTheConnectionThreadWithBusyPolling() async throws {
        let (server, dir) = try startServer(.init(execution: .connectionThread))
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        let previous = DriverIOTuning.busyPollMicroseconds
        DriverIOTuning.busyPollMicroseconds = 20
        defer { DriverIOTuning.busyPollMicroseconds = previous }
        let ready = try await client.onConnectionThread {
            var all = true
            for _ in 0..<100 { all = try await client.probe().ready == true && all }
            return all
        }
        #expect(ready)
        await server.shutdown()
        // The connection's thread is gone; the client reports it and reconnects to nothing: UNAVAILABLE.
        await #expect(throws: CSIError.self) { try await client.onConnectionThread { try await client.probe() } }
    }
}

@Suite("DriverServer.run")
struct RunTests {
    @Test func runServesUntilCancelled() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try DriverServer(driver: TestDriver(), endpoint: dir.socket())
        let serving = Task { try await server.run(shutdownDeadline: .seconds(5)) }
        #expect(await eventually { server.isAccepting })
        #expect(try await DriverClient(endpoint: dir.socket()).probe().ready == true)
        serving.cancel()
        try await serving.value
        #expect(!server.isAccepting && !FileManager.default.fileExists(atPath: dir.socket()))
    }
}

@Suite("Backpressure")
struct BackpressureTests {
    @Test func callsInFlightPerConnectionAreBounded() async throws {
        let driver = TestDriver()
        let (server, dir) = try startServer(.init(maxCallsInFlightPerConnection: 8), driver: driver)
        defer { dir.remove() }
        let client = try DriverClient(endpoint: dir.socket())
        let results = Task {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for i in 0..<40 { group.addTask { try await client.createVolume(CreateVolumeRequest(name: "slow-\(i)")).volume?.volumeId } }
                var ids: [String] = []
                for try await id in group { ids.append(id ?? "") }
                return ids
            }
        }
        #expect(await eventually { driver.gate.waiting == 8 })
        #expect(server.activeCallCount == 8 && client.inFlightCount == 40)
        driver.gate.open()
        #expect(try await results.value.count == 40)
        #expect(server.activeCallCount == 0)
        await server.shutdown()
    }
}
