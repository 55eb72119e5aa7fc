import Foundation
import StowageAPI
import StowageClient
import Testing

/// `stowage serve` on its defaults runs the built-in drivers and the node agent: a claim of the default class and a
/// pod using it on this node end up Bound and Running with the volume mounted, through the real binaries.
extension CLITests {
@Suite("stowage serve runs the drivers and the node agent",
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil, "needs root (drivers mount) and the built stowage binaries"))
struct ServeNodeTests {
    static let manifest = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 16Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: consumer}
        spec:
          nodeName: cli-node
          containers: [{name: app, image: busybox, volumeMounts: [{name: data, mountPath: /data}]}]
          volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
        """

    @Test func aPodOfTheDefaultClassRunsWithItsVolumeMounted() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: ["--drivers", "hostpath,emptydir", "--node-name", "cli-node"]) }
        defer { server.stop() }
        let path = try cli.file("pod.yaml", Self.manifest)
        if ServerProcess.kubectlPath != nil {
            // kubectl prints the server's warning that the image is not pulled.
            let dryRun = try await server.kubectl(["create", "--dry-run=server", "-f", path])
            #expect(dryRun.status == 0, "\(dryRun.stderr)")
            #expect(dryRun.stderr.contains("Warning: spec.containers[0].image: \"busybox\" is not pulled"), "\(dryRun.stderr)")
        }
        let applied = try await cli.run(["apply", "-f", path])
        #expect(applied.status == 0, "\(applied.stderr)")
        let waited = try await cli.run(["wait", "pod/consumer", "--for=jsonpath={.status.phase}=Running", "--timeout=60s"])
        #expect(waited.status == 0, "\(waited.stderr)\n\(server.log().suffix(3000))")

        let classes = try await cli.run(["get", "sc", "-o", "name"])
        #expect(classes.stdout == "storageclass.storage.k8s.io/hostpath\n", "only hostpath's class: loop is not run")
        let cluster = try HTTPCluster(endpoint: .stateDirectory(cli.stateDirectory))
        // Shut down on every path: a client dropped without it stops the test process (AsyncHTTPClient's check).
        defer { Task { try? await cluster.shutdown() } }
        let pod = try await cluster.get(Pod.self, ObjectKey(namespace: "default", name: "consumer"))
        let target = "\(cli.stateDirectory)/pods/\(pod.metadata.uid ?? "")/volumes/hostpath.stowage.dev/data"
        let mounts = NodeCrashTests.mountTable()
        #expect(mounts.contains(" \(target) "), "the claim is mounted at \(target)")
        let node = try await cluster.get(Node.self, ObjectKey(name: "cli-node"))
        #expect(node.status?.conditions?.first { $0.type == "Ready" }?.status == "True")
        let csiNode = try await cluster.get(CSINode.self, ObjectKey(name: "cli-node"))
        #expect(csiNode.spec?.drivers?.compactMap(\.name).sorted() == ["emptydir.stowage.dev", "hostpath.stowage.dev"])

        // Deleting the pod unmounts; stopping serve stops the drivers it started.
        #expect(try await cli.run(["delete", "pod", "consumer"]).status == 0)
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while FileManager.default.fileExists(atPath: "\(cli.stateDirectory)/pods/\(pod.metadata.uid ?? "")"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!NodeCrashTests.mountTable().contains(target))
        try await cluster.shutdown()
        let driverPID = pid_t((try String(contentsOfFile: "\(cli.stateDirectory)/drivers/hostpath/driver.pid", encoding: .utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(driverPID > 0 && kill(driverPID, 0) == 0, "the hostpath driver runs while serve does")
        try await onOwnThread { server.stop() }
        #expect(kill(driverPID, 0) != 0, "the driver stops with serve")
    }

    static let talkers = """
        apiVersion: v1
        kind: Pod
        metadata: {name: talker}
        spec:
          nodeName: cli-node
          restartPolicy: OnFailure
          containers:
          - name: app
            image: busybox
            command: [sh, -c, 'n=$(cat /data/n 2>/dev/null || echo 0); echo run $n; echo $((n+1)) > /data/n; [ $n -gt 0 ] || exit 1; echo line a; echo line b; sleep 3600']
            volumeMounts: [{name: data, mountPath: /data}]
          - {name: side, image: busybox, command: [sh, -c, 'echo side; sleep 3600'], workingDir: /stowage-exec-wd, env: [{name: GREETING, value: hello}]}
          volumes: [{name: data, emptyDir: {}}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: brief}
        spec:
          nodeName: cli-node
          restartPolicy: Never
          containers: [{name: app, image: busybox, command: [sh, -c, 'sleep 2; echo one; sleep 1; echo two']}]
        """

    @Test func logsShowAContainersOutputAndExecRunsCommandsInIt() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: ["--drivers", "emptydir", "--node-name", "cli-node"]) }
        defer { server.stop() }
        let applied = try await cli.run(["apply", "-f", try cli.file("talkers.yaml", Self.talkers)])
        #expect(applied.status == 0, "\(applied.stderr)")

        // `brief` writes a line, then another a second later, then exits: -f prints both and returns.
        let running = try await cli.run(["wait", "pod/brief", "--for=jsonpath={.status.phase}=Running", "--timeout=60s"])
        #expect(running.status == 0, "\(running.stderr)")
        let followed = try await cli.run(["logs", "brief", "-f"])
        #expect(followed.status == 0, "\(followed.stderr)")
        #expect(followed.stdout == "one\ntwo\n")

        // `talker`'s app failed once and runs again.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var current = try await cli.run(["logs", "talker", "-c", "app"])
        while !current.stdout.hasSuffix("line b\n"), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            current = try await cli.run(["logs", "talker", "-c", "app"])
        }
        #expect(current.stdout == "run 1\nline a\nline b\n", "\(current.stderr)")
        #expect(try await cli.run(["logs", "pod/talker", "-c", "app", "--previous"]).stdout == "run 0\n")
        #expect(try await cli.run(["logs", "talker", "-c", "app", "--tail", "1"]).stdout == "line b\n")
        let ambiguous = try await cli.run(["logs", "talker"])
        #expect(ambiguous.status != 0)
        #expect(ambiguous.stderr.contains("a container name must be specified for pod talker, choose one of: [app side]"), "\(ambiguous.stderr)")
        let unknown = try await cli.run(["logs", "talker", "-c", "nope"])
        #expect(unknown.stderr.contains("container nope is not valid for pod talker"), "\(unknown.stderr)")
        if ServerProcess.kubectlPath != nil {
            let kubectl = try await server.kubectl(["logs", "talker", "-c", "side"])
            #expect(kubectl.status == 0, "\(kubectl.stderr)")
            #expect(kubectl.stdout == "side\n")
            let tail = try await server.kubectl(["logs", "talker", "--container=app", "--tail=2"])
            #expect(tail.stdout == "line a\nline b\n", "\(tail.stderr)")
        }

        // exec runs in the container: its working directory, environment, hostname and volumes; its exit status.
        let inSide = try await cli.run(["exec", "talker", "-c", "side", "--", "sh", "-c", "pwd; echo $GREETING; hostname"])
        #expect(inSide.status == 0, "\(inSide.stderr)")
        #expect(inSide.stdout == "/stowage-exec-wd\nhello\ntalker\n")
        #expect(!FileManager.default.fileExists(atPath: "/stowage-exec-wd"), "the working directory is the container's, not the host's")
        let defaulted = try await cli.run(["exec", "pod/talker", "--", "cat", "/data/n"])
        #expect(defaulted.stdout == "2\n", "\(defaulted.stderr)")
        #expect(defaulted.stderr.contains("Defaulted container \"app\" out of: app, side"))
        #expect(try await cli.run(["exec", "talker", "-c", "app", "--", "sh", "-c", "exit 3"]).status == 3)
        if ServerProcess.kubectlPath != nil {
            // kubectl exec: pods/exec over a WebSocket (v5.channel.k8s.io): stdout, stderr, stdin, the exit code.
            let both = try await server.kubectl(["exec", "talker", "-c", "side", "--", "sh", "-c", "pwd; echo $GREETING; echo oops >&2"])
            #expect(both.status == 0, "\(both.stderr)")
            #expect(both.stdout == "/stowage-exec-wd\nhello\n")
            #expect(both.stderr.contains("oops"))
            let failing = try await server.kubectl(["exec", "talker", "-c", "app", "--", "sh", "-c", "exit 3"])
            #expect(failing.status == 3, "\(failing.stderr)")
            let piped = try await server.kubectl(["exec", "-i", "talker", "-c", "app", "--", "sh", "-c", "cat > /data/in; cat /data/in"],
                                                 stdin: "through stdin\n")
            #expect(piped.stdout == "through stdin\n", "\(piped.stderr)")
            let stopped = try await server.kubectl(["exec", "brief", "--", "true"])
            #expect(stopped.status != 0)
            #expect(stopped.stderr.contains("cannot exec into a container in a completed pod"), "\(stopped.stderr)")
        }
        let finished = try await cli.run(["exec", "brief", "--", "true"])
        #expect(finished.status != 0)
        #expect(finished.stderr.contains("container app of pod brief is not running"), "\(finished.stderr)")

        #expect(try await cli.run(["delete", "pod", "talker", "brief"]).status == 0)
        // The pods' volumes are unmounted once they are gone, before serve stops.
        let unmounted = ContinuousClock.now.advanced(by: .seconds(30))
        while !cli.mountsUnderState().isEmpty, ContinuousClock.now < unmounted { try await Task.sleep(for: .milliseconds(20)) }
        #expect(cli.mountsUnderState().isEmpty, "left mounted: \(cli.mountsUnderState())")
        try await onOwnThread { server.stop() }
    }
}
}
