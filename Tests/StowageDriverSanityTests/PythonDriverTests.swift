import Foundation
import StowageLinux
import Testing
@testable import StowageDriverSanity

/// The Python example driver (examples/drivers/dirdriver) passes the whole suite, restarts included.
@Suite(.serialized)
struct PythonDriverTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let driverScript = "\(repositoryRoot)/examples/drivers/dirdriver/driver.py"
    static let python: String? = ["/usr/bin/python3", "/usr/local/bin/python3"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: TestCleanup.isRoot, "dirdriver bind-mounts: run the tests as root"),
          .enabled(if: python != nil, "python3 is not on PATH"))
    func dirdriverPassesTheSuite() async throws {
        let python = try #require(Self.python)
        let directory = "/tmp/stowage-sanity-python-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { TestCleanup.removeTree(directory) }
        let socket = "\(directory)/driver.sock"
        let arguments = [python, Self.driverScript, "--endpoint", "unix://\(socket)", "--state-dir", "\(directory)/state"]
        // The driver runs in the background; the restart command stops it by its pid file and starts it again.
        let start = "\(arguments.map { "'\($0)'" }.joined(separator: " ")) >>'\(directory)/driver.log' 2>&1 "
            + "</dev/null & echo $! >'\(directory)/driver.pid'"
        let stop = "pid=$(cat '\(directory)/driver.pid'); kill $pid; "
            + "while kill -0 $pid 2>/dev/null; do sleep 0.05; done"
        #expect(try await SanityContext.runShell(start) == 0)
        defer { _ = try? runBlocking(stop) }

        var configuration = SanityConfiguration(endpoint: "unix://\(socket)")
        configuration.stagingDir = "\(directory)/staging"
        configuration.targetDir = "\(directory)/targets"
        configuration.restartCommand = "\(stop); \(start)"
        let report = await SanitySuite.run(configuration)
        let log = (try? String(contentsOfFile: "\(directory)/driver.log", encoding: .utf8)) ?? ""
        #expect(report.failedCount == 0, "\(report.text)\ndriver log:\n\(log.suffix(2000))")
        #expect(report.result("Restart/after-publish")?.outcome == .passed)
        #expect(report.result("Controller/list-volumes-pagination")?.outcome == .passed)
        #expect(report.result("Controller/expand-volume")?.outcome == .passed)
        #expect(TestCleanup.mountPoints(under: directory).isEmpty)
    }

    /// PipedProcess, not Foundation's Process: see `TestClusterAPITests.run` (swift-corelibs-foundation#5472).
    private func runBlocking(_ command: String) throws -> Int32 {
        try PipedProcess.run("/bin/sh", arguments: ["-c", command]).status
    }
}
