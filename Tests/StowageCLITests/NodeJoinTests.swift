import Foundation
import StowageAPI
import StowageClient
import Testing

/// `stowage node` joins a second node agent to a running `stowage serve` over its TLS address: it registers, and the
/// WaitForFirstConsumer volume of a pod placed on it is provisioned, mounted and deleted there, by its own driver.
extension CLITests {
@Suite("stowage node joins a server as a second node",
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil && access("/dev/loop-control", F_OK) == 0,
                "needs root, loop devices and the built stowage binaries"))
struct NodeJoinTests {
    static let manifest = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: far}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: loop
          resources: {requests: {storage: 16Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: far-writer}
        spec:
          nodeSelector: {kubernetes.io/hostname: node-2}
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'hostname > /data/who; sleep 3600']
            volumeMounts: [{name: data, mountPath: /data}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: far}}]
        """

    /// `stowage node` with its own state directory, against `server`'s TLS address.
    static func startNode(_ runner: CommandRunner, server: ServerProcess, logPath: String) throws -> Process {
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(CommandRunner.executable))
        process.arguments = ["node", "--server", "https://127.0.0.1:\(server.port)", "--kubeconfig", server.kubeconfig,
                             "--node-name", "node-2", "--drivers", "loop", "--host-ip", "127.0.0.2", "--state-dir", runner.stateDirectory]
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return process
    }

    @Test func aPodPlacedOnTheSecondNodeGetsItsVolumeThere() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: ["--drivers", "loop", "--node-name", "main-node"]) }
        defer { server.stop() }
        let second = try CommandRunner.make()
        defer { second.remove() }
        let node = try Self.startNode(second, server: server, logPath: second.workDirectory + "/node.log")
        defer { if node.isRunning { node.terminate(); node.waitUntilExit() } }

        let cluster = try HTTPCluster(endpoint: .stateDirectory(cli.stateDirectory))
        defer { Task { try? await cluster.shutdown() } }
        let registration = ContinuousClock.now.advanced(by: .seconds(60))
        while try await cluster.getIfPresent(Node.self, ObjectKey(name: "node-2")) == nil {
            guard ContinuousClock.now < registration, node.isRunning else {
                Issue.record("node-2 did not register: \((try? String(contentsOfFile: second.workDirectory + "/node.log", encoding: .utf8)) ?? "")")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let ready = try await cli.run(["wait", "node/node-2", "--for=condition=Ready", "--timeout=60s"])
        #expect(ready.status == 0, "\(ready.stderr)")
        let registered = try await cluster.get(Node.self, ObjectKey(name: "node-2"))
        #expect(registered.status?.addresses?.first { $0.type == "InternalIP" }?.address == "127.0.0.2")
        #expect(registered.metadata.labels?["topology.stowage.dev/node"] == "node-2")

        #expect(try await cli.run(["apply", "-f", try cli.file("far.yaml", Self.manifest)]).status == 0)
        let running = try await cli.run(["wait", "pod/far-writer", "--for=jsonpath={.status.phase}=Running", "--timeout=90s"])
        #expect(running.status == 0, "\(running.stderr)\n\(server.log().suffix(2000))")
        let pod = try await cluster.get(Pod.self, ObjectKey(namespace: "default", name: "far-writer"))
        #expect(pod.spec?.nodeName == "node-2")
        #expect(pod.status?.hostIP == "127.0.0.2")
        let claim = try await cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "far"))
        #expect(claim.metadata.annotations?["volume.kubernetes.io/selected-node"] == "node-2")
        let volumeName = try #require(claim.spec?.volumeName)
        let volume = try await cluster.get(PersistentVolume.self, ObjectKey(name: volumeName))
        let pinned = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms?.flatMap { $0.matchExpressions ?? [] }.flatMap { $0.values ?? [] }
        #expect(pinned == ["node-2"], "the volume lives on node-2")

        // The second node's driver made the image and its node agent mounted it; the first node has neither.
        let image = "\(second.stateDirectory)/drivers/loop/state/volumes/loop/\(volumeName).img"
        #expect(FileManager.default.fileExists(atPath: image))
        #expect(!FileManager.default.fileExists(atPath: "\(cli.stateDirectory)/drivers/loop/state/volumes/loop/\(volumeName).img"))
        let who = "\(second.stateDirectory)/pods/\(pod.metadata.uid ?? "")/volumes/loop.stowage.dev/data/who"
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while (try? String(contentsOfFile: who, encoding: .utf8)) != "far-writer\n", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect((try? String(contentsOfFile: who, encoding: .utf8)) == "far-writer\n")

        // Deleting the pod and the claim unmounts on node-2, and node-2's reclaimer deletes the volume there.
        #expect(try await cli.run(["delete", "pod", "far-writer"]).status == 0)
        #expect(try await cli.run(["delete", "pvc", "far"]).status == 0)
        let gone = try await cli.run(["wait", "pv/\(volumeName)", "--for=delete", "--timeout=60s"])
        #expect(gone.status == 0, "\(gone.stderr)\n\((try? String(contentsOfFile: second.workDirectory + "/node.log", encoding: .utf8)) ?? "")")
        #expect(!FileManager.default.fileExists(atPath: image), "the image is deleted on node-2")
        #expect(!NodeCrashTests.mountTable().contains(second.stateDirectory))
        node.terminate()
        node.waitUntilExit()
        #expect(node.terminationStatus == 0, "stowage node stops cleanly on SIGTERM")
    }
}
}
