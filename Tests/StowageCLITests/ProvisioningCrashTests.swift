import Foundation
import StowageLinux
import StowageAPI
import StowageCSI
import StowageClient
import Testing

/// `kill -9` of `stowage serve` in the middle of a 200-claim dynamic-provisioning burst, then a restart: every claim
/// ends Bound exactly once, there is one PV per claim, and the driver holds exactly the volumes the PVs name — no
/// orphan, no duplicate.
extension CLITests {
@Suite("Provisioning survives kill -9 of stowage serve", .serialized,
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil, "needs root (drivers) and the built stowage binaries"))
struct ProvisioningCrashTests {
    static let claims = 200

    @Test("hostpath and loop", arguments: [("hostpath", "hostpath.stowage.dev"), ("loop", "loop.stowage.dev")])
    func killDuringBurst(driver: String, provisioner: String) async throws {
        let runner = try CommandRunner.make()
        defer { runner.remove() }
        let plugins = runner.stateDirectory + "/plugins"
        try FileManager.default.createDirectory(atPath: plugins, withIntermediateDirectories: true)
        let driverProcess = try await onOwnThread {
            try Self.startDriver(driver, socket: "\(plugins)/\(driver).sock", state: runner.workDirectory + "/driver")
        }
        defer { driverProcess.terminate(); driverProcess.waitUntilExit() }
        let first = try await onOwnThread { try ServerProcess(runner: runner) }
        defer { first.stop() }
        let cluster = try HTTPCluster(endpoint: .stateDirectory(runner.stateDirectory))
        // Shut down on every path: a client dropped without it stops the test process (AsyncHTTPClient's check).
        defer { Task { try? await cluster.shutdown() } }
        _ = try await cluster.create(StorageClass(metadata: ObjectMeta(name: "burst"), provisioner: provisioner))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<Self.claims {
                group.addTask {
                    _ = try await cluster.create(PersistentVolumeClaim(name: "c-\(index)", request: .mebibytes(16), storageClassName: "burst"))
                }
            }
            try await group.waitForAll()
        }
        // Kill it mid-burst: after some volumes exist, before all do.
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        var seenBeforeKill = 0
        while seenBeforeKill < 10, ContinuousClock.now < deadline {
            seenBeforeKill = try await cluster.listAll(PersistentVolume.self).count
            try await Task.sleep(for: .milliseconds(2))
        }
        kill(first.process.processIdentifier, SIGKILL)
        _ = try await onOwnThread { first.process.waitUntilExit() }
        #expect(seenBeforeKill < Self.claims, "the kill landed mid-burst (\(seenBeforeKill) PVs seen just before it)")
        try await cluster.shutdown()
        let server = try await onOwnThread { try ServerProcess(runner: runner) }
        defer { server.stop() }
        let restarted = try HTTPCluster(endpoint: .stateDirectory(runner.stateDirectory))
        // Shut down on every path: a client dropped without it stops the test process (AsyncHTTPClient's check).
        defer { Task { try? await restarted.shutdown() } }

        var claims: [PersistentVolumeClaim] = []
        while ContinuousClock.now < deadline.advanced(by: .seconds(60)) {
            claims = try await restarted.listAll(PersistentVolumeClaim.self, namespace: "default")
            if claims.filter({ $0.status?.phase == "Bound" }).count == Self.claims { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(claims.filter { $0.status?.phase == "Bound" }.count == Self.claims, "\(server.log().suffix(2000))")
        for claim in claims {
            #expect(claim.spec?.volumeName == "pvc-\(claim.metadata.uid ?? "")")
        }
        let volumes = try await restarted.listAll(PersistentVolume.self)
        #expect(volumes.count == Self.claims, "one PV per claim, no duplicate")
        let client = try DriverClient(endpoint: "unix://\(plugins)/\(driver).sock")
        defer { client.close() }
        let held = Set(try await client.listVolumes(ListVolumesRequest()).entries.compactMap { $0.volume?.volumeId })
        let recorded = Set(volumes.compactMap { $0.spec?.csi?.volumeHandle })
        #expect(held == recorded, "the driver holds exactly the recorded volumes: \(held.subtracting(recorded).count) orphans, \(recorded.subtracting(held).count) missing")

        // Clean up through the product itself: deleting the claims deletes the volumes.
        for claim in claims { _ = try await restarted.delete(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: claim.metadata.name ?? "")) }
        while ContinuousClock.now < deadline.advanced(by: .seconds(120)) {
            if try await restarted.listAll(PersistentVolume.self).isEmpty { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await client.listVolumes(ListVolumesRequest()).entries.isEmpty, "Delete reclaimed every volume")
        try await restarted.shutdown()
    }

    static func startDriver(_ name: String, socket: String, state: String) throws -> PipedProcess {
        let directory = URL(fileURLWithPath: CommandRunner.executable!).deletingLastPathComponent().path
        let process = try PipedProcess.start("\(directory)/stowage-\(name)", arguments: [
            "--endpoint", "unix://\(socket)", "--state-dir", state, "--node-id", "crash-node",
        ], output: .null, error: .null)
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: socket), Date() < deadline { usleep(10_000) }
        return process
    }
}
}
