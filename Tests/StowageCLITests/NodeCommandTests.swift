import Foundation
import Testing

extension CLITests {
@Suite("stowage node and exec refuse what they cannot do, saying why", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built; run `swift build` first"))
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

    /// Over the server's Unix socket the node has no cluster CA to check the clients of its endpoint against:
    /// refused, saying where the CA comes from and how to go without the endpoint.
    @Test func anEndpointWithoutTheClusterCAIsRefusedSayingWhatToDo() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let node = try CommandRunner.make()
        defer { node.remove() }
        let result = try await Self.runBounded(node, ["node", "--server", "unix://\(server.socketPath)", "--node-name", "no-ca"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--endpoint-port: the node endpoint needs the cluster's CA (certificate-authority-data in the kubeconfig)"),
                "\(result.stderr)")
        #expect(result.stderr.contains("or pass --endpoint-port 0"))
        let nodes = try await cli.run(["get", "nodes", "-o", "name"])
        #expect(!nodes.stdout.contains("no-ca"), "the node did not register: \(nodes.stdout)")
    }

    /// `stowage exec` into a pod of another machine goes through the server's HTTPS address; over a Unix socket,
    /// with no kubeconfig to find that address in, it says so and what to give.
    @Test func execIntoAPodElsewhereWithoutTheHTTPSAddressSaysWhatToGive() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let pod = try cli.file("pod.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: faraway}
            spec:
              nodeName: elsewhere
              containers: [{name: main, image: none, command: [sleep, "3600"]}]
            """)
        let applied = try await cli.run(["apply", "-f", pod])
        #expect(applied.status == 0, "\(applied.stderr)")
        let other = try CommandRunner.make()
        defer { other.remove() }
        let result = try await Self.runBounded(other, ["exec", "--server", "unix://\(server.socketPath)", "faraway", "--", "true"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("the server's HTTPS address is needed and \(other.stateDirectory)/kubeconfig does not exist: give --kubeconfig FILE"),
                "\(result.stderr)")
    }

    /// Runs a command that should end at once; stopped after 60 s so a regression fails instead of hanging.
    static func runBounded(_ runner: CommandRunner, _ arguments: [String]) async throws -> CommandRunner.Result {
        let process = try runner.start(arguments)
        let watchdog = Task { try await Task.sleep(for: .seconds(60)); process.terminate() }
        defer { watchdog.cancel() }
        return try await onOwnThread { CommandRunner.Result(process.collect()) }
    }
}
}
