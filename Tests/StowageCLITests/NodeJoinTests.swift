import Foundation
import StowageLinux
import StowageAPI
import StowageClient
import Testing

/// `stowage node` joins a second node agent, in a network namespace of its own, to a running `stowage serve` over
/// the server's TLS address on a veth pair: it registers, and the WaitForFirstConsumer volume of a pod placed on it
/// is provisioned, mounted and deleted there, by its own driver.
extension CLITests {
@Suite("stowage node joins a server as a second node",
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil && access("/dev/loop-control", F_OK) == 0
                    && access("/usr/sbin/ip", X_OK) == 0 && access("/usr/bin/nsenter", X_OK) == 0,
                "needs root, loop devices, ip and nsenter (network namespaces), and the built stowage binaries"))
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
            command: [sh, -c, 'hostname > /data/who; echo "wrote $(cat /data/who) on node-2"; sleep 3600']
            volumeMounts: [{name: data, mountPath: /data}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: far}}]
        """

    /// `stowage node` with its own state directory, in `network`, against the server at `url`.
    static func startNode(_ runner: CommandRunner, in network: NetworkNamespace, url: String, kubeconfig: String, logPath: String) throws -> PipedProcess {
        return try PipedProcess.start("/usr/bin/nsenter", arguments: [
            "--net=/run/netns/\(network.name)", try #require(CommandRunner.executable),
            "node", "--server", url, "--kubeconfig", kubeconfig, "--node-name", "node-2", "--drivers", "loop",
            "--host-ip", network.nodeAddress, "--state-dir", runner.stateDirectory,
        ], output: .file(logPath), error: .file(logPath))
    }

    @Test func aPodPlacedOnTheSecondNodeGetsItsVolumeThere() async throws {
        let network = try NetworkNamespace()
        defer { network.remove() }
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let port = try ServerProcess.freePort()
        let server = try await onOwnThread {
            try ServerProcess(runner: cli, extraArguments: ["--drivers", "loop", "--node-name", "main-node",
                                                            "--listen-address", "\(network.hostAddress):\(port)", "--tls-san", network.hostAddress])
        }
        defer { server.stop() }
        let second = try CommandRunner.make()
        defer { second.remove() }
        let node = try Self.startNode(second, in: network, url: "https://\(network.hostAddress):\(port)", kubeconfig: server.kubeconfig,
                                      logPath: second.workDirectory + "/node.log")
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
        // The driver's topology label comes when its driver has answered (as with kubelet's CSI registration).
        var registered = try await cluster.get(Node.self, ObjectKey(name: "node-2"))
        let labelled = ContinuousClock.now.advanced(by: .seconds(30))
        while registered.metadata.labels?["topology.stowage.dev/node"] == nil, ContinuousClock.now < labelled {
            try await Task.sleep(for: .milliseconds(50))
            registered = try await cluster.get(Node.self, ObjectKey(name: "node-2"))
        }
        #expect(registered.status?.addresses?.first { $0.type == "InternalIP" }?.address == network.nodeAddress)
        #expect(registered.metadata.labels?["topology.stowage.dev/node"] == "node-2")

        #expect(try await cli.run(["apply", "-f", try cli.file("far.yaml", Self.manifest)]).status == 0)
        let running = try await cli.run(["wait", "pod/far-writer", "--for=jsonpath={.status.phase}=Running", "--timeout=90s"])
        #expect(running.status == 0, "\(running.stderr)\n\(server.log().suffix(2000))")
        let pod = try await cluster.get(Pod.self, ObjectKey(namespace: "default", name: "far-writer"))
        #expect(pod.spec?.nodeName == "node-2")
        #expect(pod.status?.hostIP == network.nodeAddress)
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

        // Its logs come through the server from node-2's endpoint (the pod's files are on node-2's box only).
        let endpoint = "https://\(network.nodeAddress):10250"
        #expect(try await cluster.get(Node.self, ObjectKey(name: "node-2")).metadata.annotations?["node.stowage.dev/endpoint"] == endpoint)
        let logs = try await cli.run(["logs", "far-writer"])
        #expect(logs.stdout == "wrote far-writer on node-2\n", "\(logs.stderr)")
        if ServerProcess.kubectlPath != nil {
            let kubectlLogs = try await server.kubectl(["logs", "far-writer", "--tail=1"])
            #expect(kubectlLogs.stdout == "wrote far-writer on node-2\n", "\(kubectlLogs.stderr)")
        }
        // Followed: the stream stays open through the server (the container is still running).
        let follower = try cli.start(["logs", "far-writer", "-f"])
        let followed = try await KubectlAcceptanceTests.readUntil(follower, contains: "on node-2", seconds: 20)
        #expect(followed == "wrote far-writer on node-2\n")
        #expect(follower.isRunning, "a followed log of a running container stays open")
        follower.terminate()
        follower.waitUntilExit()
        // exec runs in node-2's container, through the server: its hostname and volume, stderr, its exit code, stdin.
        let inPod = try await cli.run(["exec", "far-writer", "--", "sh", "-c", "hostname; cat /data/who; echo to-stderr >&2"])
        #expect(inPod.status == 0, "\(inPod.stderr)")
        #expect(inPod.stdout == "far-writer\nfar-writer\n")
        #expect(inPod.stderr.contains("to-stderr"))
        #expect(try await cli.run(["exec", "far-writer", "--", "sh", "-c", "exit 4"]).status == 4)
        let counted = try await cli.run(["exec", "far-writer", "--", "sh", "-c", "cat > /data/in2; wc -c < /data/in2"], input: "12345\n")
        #expect(counted.stdout.trimmingCharacters(in: .whitespaces) == "6\n", "stdin reaches the command: \(counted.stderr)")
        if ServerProcess.kubectlPath != nil {
            let viaKubectl = try await server.kubectl(["exec", "far-writer", "--", "sh", "-c", "hostname; exit 5"])
            #expect(viaKubectl.stdout == "far-writer\n", "\(viaKubectl.stderr)")
            #expect(viaKubectl.status == 5)
        }
        if ServerProcess.kubectlPath != nil {
            let piped = try await server.kubectl(["exec", "-i", "far-writer", "--", "sh", "-c", "cat > /data/in; cat /data/in"], stdin: "over two hops\n")
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stdout == "over two hops\n")
            #expect((try? String(contentsOfFile: "\(second.stateDirectory)/pods/\(pod.metadata.uid ?? "")/volumes/loop.stowage.dev/data/in", encoding: .utf8)) == "over two hops\n",
                    "the bytes are in node-2's volume")
        }
        // The endpoint answers only clients with a certificate of the cluster's CA.
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            let anonymous = try await onOwnThread {
                try PipedProcess.run("/usr/bin/curl", arguments: ["-sk", "--max-time", "10", "\(endpoint)/api/v1/namespaces/default/pods/far-writer/log"])
            }
            #expect(anonymous.status != 0, "a client without a certificate is refused the TLS handshake")
            #expect(!String(decoding: anonymous.standardOutput, as: UTF8.self).contains("far-writer"))
        }

        // Deleting the pod and the claim unmounts on node-2, and node-2's reclaimer deletes the volume there.
        #expect(try await cli.run(["delete", "pod", "far-writer"]).status == 0)
        #expect(try await cli.run(["delete", "pvc", "far"]).status == 0)
        let gone = try await cli.run(["wait", "pv/\(volumeName)", "--for=delete", "--timeout=60s"])
        #expect(gone.status == 0, "\(gone.stderr)\n\((try? String(contentsOfFile: second.workDirectory + "/node.log", encoding: .utf8)) ?? "")")
        #expect(!FileManager.default.fileExists(atPath: image), "the image is deleted on node-2")
        #expect(!NodeCrashTests.mountTable().contains(second.stateDirectory))
        node.terminate()
        #expect(node.waitUntilExit() == 0, "stowage node stops cleanly on SIGTERM")
    }
}
}

/// A network namespace joined to the host by a veth pair: the host end has `hostAddress`, the namespace's end
/// `nodeAddress` (a /24 picked at random in 10.213.0.0/16). Removed with its veth pair by ``remove()``.
struct NetworkNamespace {
    let name: String
    let hostAddress: String
    let nodeAddress: String
    private let hostLink: String

    init() throws {
        let tag = String(UInt32.random(in: 0..<0xFFFF), radix: 16)
        let subnet = Int.random(in: 1...254)
        name = "stowage-node-\(tag)"
        hostLink = "stw\(tag)h"
        hostAddress = "10.213.\(subnet).1"
        nodeAddress = "10.213.\(subnet).2"
        let nodeLink = "stw\(tag)n"
        for command in [
            ["netns", "add", name],
            ["link", "add", hostLink, "type", "veth", "peer", "name", nodeLink],
            ["link", "set", nodeLink, "netns", name],
            ["addr", "add", "\(hostAddress)/24", "dev", hostLink],
            ["link", "set", hostLink, "up"],
            ["-n", name, "addr", "add", "\(nodeAddress)/24", "dev", nodeLink],
            ["-n", name, "link", "set", nodeLink, "up"],
            ["-n", name, "link", "set", "lo", "up"],
        ] {
            try Self.ip(command)
        }
    }

    func remove() {
        _ = try? Self.ip(["link", "del", hostLink])
        _ = try? Self.ip(["netns", "del", name])
    }

    private static func ip(_ arguments: [String]) throws {
        let result = try PipedProcess.run("/usr/sbin/ip", arguments: arguments)
        guard result.status == 0 else {
            let message = String(decoding: result.standardError, as: UTF8.self)
            throw ServerProcess.ServerFailure("ip \(arguments.joined(separator: " ")) failed: \(message)")
        }
    }
}
