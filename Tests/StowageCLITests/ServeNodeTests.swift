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
}
}
