import Foundation
import Testing

extension CLITests {
@Suite("stowage up", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built; run `swift build` first"))
struct UpTests {
    @Test func upOnceAppliesAndPrintsTheObjects() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let path = try cli.file("claims.yaml", ApplyGetTests.claims)
        let result = try await cli.run(["up", "--once", "-f", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("persistentvolumeclaim/data created"))
        #expect(result.stdout.contains("NAMESPACE   NAME   STATUS"))
        let classRows = result.stdout.split(separator: "\n").filter { $0.contains("stowage.dev") }
        #expect(classRows.contains { $0.hasPrefix("fast ") && $0.contains("hostpath.stowage.dev") && $0.contains("Delete") }, "\(classRows)")
        // First start: the built-in drivers' classes exist, hostpath the default, and the claim got it.
        #expect(result.stdout.contains("stowage: created StorageClasses hostpath, loop, loop-block"))
        #expect(classRows.contains { $0.hasPrefix("hostpath (default) ") }, "\(classRows)")
        #expect(result.stdout.split(separator: "\n").contains { $0.contains(" data ") && $0.contains("hostpath") })
    }

    @Test func aRunningUpServesTheAPIToOtherCommands() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let path = try cli.file("claims.yaml", ApplyGetTests.claims)
        let up = try cli.start(["up", "-f", path, "--listen-address", "127.0.0.1:0"])
        defer {
            up.terminate()
            up.waitUntilExit()
        }
        let output = up.standardOutput!
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while !seen.contains("watching for changes"), Date() < deadline {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("watching for changes"), "up did not start: \(seen)")
        let second = try await cli.run(["get", "pvc", "-o", "name"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "persistentvolumeclaim/data\n")
        // The state directory stays owned by the running up: a second server refuses to start, naming its pid.
        let server = try await cli.run(["serve", "--listen-address", "127.0.0.1:0"])
        #expect(server.status != 0)
        #expect(server.stderr.contains("is in use by another stowage process (pid \(up.processIdentifier))"), "\(server.stderr)")
    }
}
}
