import Foundation
import StowageAPI
import StowageClient
import Testing

/// `kill -9` of `stowage serve` with 20 pods running: the restarted server's node agent finds every pod's volume
/// still published and its process still running (adopted, not started again), mounts nothing twice, and
/// deleting the pods leaves no mount behind.
extension CLITests {
@Suite("Pods survive kill -9 of stowage serve", .serialized,
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil, "needs root (drivers mount) and the built stowage binaries"))
struct NodeCrashTests {
    static let pods = 20

    static func manifest(_ index: Int) -> String {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data-\(index)}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 16Mi}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: pod-\(index)}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - {name: app, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: data, mountPath: /data}]}
          volumes: [{name: data, persistentVolumeClaim: {claimName: data-\(index)}}]
        """
    }

    @Test func everyPodIsRunningAgainWithOneMountPerVolume() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let arguments = ["--drivers", "hostpath", "--node-name", "crash-node"]
        let first = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: arguments) }
        defer { first.stop() }
        let path = try cli.file("pods.yaml", (0..<Self.pods).map(Self.manifest).joined(separator: "\n---\n"))
        let applied = try await cli.run(["apply", "-f", path])
        #expect(applied.status == 0, "\(applied.stderr)")
        let cluster = try HTTPCluster(endpoint: .stateDirectory(cli.stateDirectory))
        // Shut down on every path: a client dropped without it stops the test process (AsyncHTTPClient's check).
        defer { Task { try? await cluster.shutdown() } }
        let before = try await Self.waitForRunning(cluster, count: Self.pods)
        let pids = Self.containerPIDs(cli.stateDirectory, pods: before)
        #expect(pids.count == Self.pods)
        try await cluster.shutdown()

        kill(first.process.processIdentifier, SIGKILL)
        _ = try await onOwnThread { first.process.waitUntilExit() }
        let second = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: arguments) }
        defer { second.stop() }
        let restarted = try HTTPCluster(endpoint: .stateDirectory(cli.stateDirectory))
        // Shut down on every path: a client dropped without it stops the test process (AsyncHTTPClient's check).
        defer { Task { try? await restarted.shutdown() } }
        // Let the new node agent look at every pod, then check the world.
        let after = try await Self.waitForRunning(restarted, count: Self.pods)
        try await Task.sleep(for: .seconds(1))
        #expect(Self.containerPIDs(cli.stateDirectory, pods: after) == pids, "the same processes, adopted")
        for pid in pids.values { #expect(Self.isRunning(pid)) }
        let mounts = Self.mountPoints(under: cli.stateDirectory + "/pods/")
        for pod in after {
            let target = "\(cli.stateDirectory)/pods/\(pod.metadata.uid ?? "")/volumes/hostpath.stowage.dev/data"
            #expect(mounts.filter { $0 == target }.count == 1, "exactly one publish mount for \(pod.metadata.name ?? "")")
        }
        #expect(mounts.count == Self.pods, "\(mounts.count) mounts under pods/ for \(Self.pods) pod volumes")

        for index in 0..<Self.pods { _ = try await restarted.delete(Pod.self, ObjectKey(namespace: "default", name: "pod-\(index)")) }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while !Self.mountPoints(under: cli.stateDirectory + "/pods/").isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(Self.mountPoints(under: cli.stateDirectory + "/pods/").isEmpty, "every pod volume unmounted")
        for pid in pids.values { #expect(!Self.isRunning(pid), "container process \(pid) stopped") }
        try await restarted.shutdown()
    }

    static func waitForRunning(_ cluster: HTTPCluster, count: Int) async throws -> [Pod] {
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        var pods: [Pod] = []
        while ContinuousClock.now < deadline {
            pods = try await cluster.listAll(Pod.self, namespace: "default")
            if pods.count == count, pods.allSatisfy({ $0.status?.phase == "Running" && $0.status?.isReady == true }) { return pods }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("not every pod Running: \(pods.map { "\($0.metadata.name ?? ""): \($0.status?.phase ?? "-")" })")
        return pods
    }

    /// Each pod's container pid, from the node's records.
    static func containerPIDs(_ state: String, pods: [Pod]) -> [String: Int32] {
        var result: [String: Int32] = [:]
        for pod in pods {
            let path = "\(state)/pods/\(pod.metadata.uid ?? "")/containers/app/state.json"
            guard let data = FileManager.default.contents(atPath: path),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let pid = object["pid"] as? Int else { continue }
            result[pod.metadata.name ?? ""] = Int32(pid)
        }
        return result
    }

    /// Whether `pid` is a live process. An adopted container's parent is init once the first server is gone, and
    /// an init that does not reap (as in some containers) leaves it a zombie after it is killed: that counts as gone.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat").map({ String(decoding: $0, as: UTF8.self) }),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    /// `/proc/self/mountinfo` read to its end (`String(contentsOfFile:)` stops short on a large procfs file).
    static func mountTable() -> String {
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/mountinfo") else { return "" }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }

    static func mountPoints(under prefix: String) -> [String] {
        mountTable().split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { return nil }
            let point = String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
            return point.hasPrefix(prefix) ? point : nil
        }
    }
}
}
