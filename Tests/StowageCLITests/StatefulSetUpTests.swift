import Foundation
import Testing

/// The main job: `stowage up -f examples/statefulset-web.yaml` brings up the documentation's `web` set and prints
/// the commands that prove persistence; run as printed, they show web-1 back on its own data.
extension CLITests {
@Suite("stowage up with the web StatefulSet",
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil, "needs root (the node agent mounts) and the built stowage binaries"))
struct StatefulSetUpTests {
    static var example: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/statefulset-web.yaml").path
    }

    @Test func theWebExampleConvergesAndItsProofCommandsShowPersistence() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let up = try cli.start(["up", "-f", Self.example, "--listen-address", "127.0.0.1:0", "--drivers", "hostpath", "--node-name", "up-node"])
        defer {
            up.terminate()
            up.waitUntilExit()
        }
        let output = (up.standardOutput as! Pipe).fileHandleForReading
        var seen = ""
        let deadline = Date().addingTimeInterval(90)
        while !seen.contains("pod/web-2 modified (Running)"), Date() < deadline {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("statefulset.apps/web created"), "\(seen)")
        #expect(seen.contains("pod/web-2 modified (Running)"), "pods and claims are shown converging: \(seen)")
        #expect(seen.contains("persistentvolumeclaim/www-web-2"), "\(seen)")

        // The printed proof, run as printed (with this test's state directory).
        let proof = seen.split(separator: "\n").filter { $0.hasPrefix("  stowage ") }.map { String($0.dropFirst(2)) }
        #expect(proof.count == 3, "\(seen)")
        guard proof.count == 3 else { return }
        let state = " --state-dir \(cli.stateDirectory)"
        func shell(_ line: String) async throws -> CommandRunner.Result {
            let withState = line.replacingOccurrences(of: "stowage ", with: "\(CommandRunner.executable ?? "stowage") ")
                .replacingOccurrences(of: " -- ", with: "\(state) -- ")
                .replacingOccurrences(of: " && ", with: "\(state) && ")
                .replacingOccurrences(of: " --for=", with: "\(state) --for=")
            return try await onOwnThread { try Self.run("/bin/sh", "-c", withState) }
        }
        let before = try await shell(proof[0])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("index.html\nweb-1 "), "\(before.stdout)")
        let recreated = try await shell(proof[1])
        #expect(recreated.status == 0, "\(recreated.stdout)\(recreated.stderr)")
        let after = try await shell(proof[2])
        let lines = after.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("web-1 ") }, "web-1 came back to its own volume: \(after.stdout)\(after.stderr)")

        // Deleting the set takes its pods with it (their containers stop and their volumes are unmounted).
        #expect(try await cli.run(["delete", "statefulset", "web"]).status == 0)
        let podsGone = try await cli.run(["wait", "pod/web-0", "pod/web-1", "pod/web-2", "--for=delete", "--timeout=60s"])
        #expect(podsGone.status == 0, "\(podsGone.stderr)")
        let directoryGone = Date().addingTimeInterval(30)
        while !((try? FileManager.default.contentsOfDirectory(atPath: cli.stateDirectory + "/pods")) ?? []).isEmpty, Date() < directoryGone {
            usleep(20_000)
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.stateDirectory + "/pods")) ?? []).isEmpty)
    }

    static func run(_ arguments: String...) throws -> CommandRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandRunner.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                    stderr: String(decoding: stderr, as: UTF8.self))
    }
}
}
