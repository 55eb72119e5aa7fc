import Foundation
import Testing

extension CLITests {
@Suite("stowage node refuses bad options", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built; run `swift build` first"))
struct NodeCommandTests {
    /// A node endpoint port out of range is refused before anything starts, naming the option and the value.
    @Test func anEndpointPortOutOfRangeIsRefused() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let kubeconfig = try cli.file("kubeconfig", "apiVersion: v1\nkind: Config\n")
        let result = try await cli.run(["node", "--kubeconfig", kubeconfig, "--endpoint-port", "70000"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--endpoint-port 70000: expected a port from 1 to 65535, or 0 for no endpoint"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.stateDirectory + "/lock"), "nothing started")
    }
}
}
