import Foundation
import StowageAPI
import StowageClient
import StowageLinux
import StowageTesting
import Testing

/// The node agent mounts for real: root, loop devices and mkfs.ext4.
enum NodeHost {
    static var canRun: Bool {
        geteuid() == 0 && access("/dev/loop-control", F_OK) == 0 && access("/usr/sbin/mkfs.ext4", X_OK) == 0
    }
    static let reason: Comment = "the node agent mounts volumes: needs root, /dev/loop-control and mkfs.ext4; CI runs as root"
}

/// Runs `body` against a fresh ``TestCluster`` with the node agent and always stops it.
func withNode(drivers: [BuiltInDriver], _ body: (TestCluster) async throws -> Void) async throws {
    let cluster = try await TestCluster.start(drivers: drivers, nodeAgent: true)
    do {
        try await body(cluster)
    } catch {
        await cluster.stop()
        throw error
    }
    await cluster.stop()
}

extension TestCluster {
    /// Waits until pod `name` (in `default`) is Running; returns it.
    @discardableResult
    func waitForRunning(_ name: String, timeout: Duration = .seconds(60)) async throws -> Pod {
        try await waitFor(Pod.self, "default/\(name)", timeout: timeout) { $0.status?.phase == PodStatus.Phase.running }
    }

    /// Deletes pod `name` and waits until the node agent has removed its directory (every volume unpublished).
    func deletePodAndWaitForTeardown(_ pod: Pod, timeout: Duration = .seconds(30)) async throws {
        _ = try await cluster.delete(Pod.self, ObjectKey(namespace: "default", name: pod.metadata.name ?? ""))
        let directory = "\(podsDirectory)/\(pod.metadata.uid ?? "")"
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while FileManager.default.fileExists(atPath: directory) {
            guard ContinuousClock.now < deadline else {
                throw TestClusterError("the directory of deleted pod \(pod.metadata.name ?? "") is still there after \(timeout): \(mountsUnder(directory))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Mount points under `path`, from `/proc/self/mountinfo`.
    func mountsUnder(_ path: String) -> [String] {
        ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0 == path || $0.hasPrefix(path + "/") }
    }

    /// Where the node agent publishes volume `volume` of `pod` through `driver`.
    func target(of pod: Pod, driver: String, volume: String, block: Bool = false) -> String {
        "\(podsDirectory)/\(pod.metadata.uid ?? "")/\(block ? "volumeDevices" : "volumes")/\(driver)/\(volume)"
    }
}

/// Manifests for node tests.
enum NodeManifests {
    static func storageClass(_ name: String, provisioner: String, parameters: [String: String] = [:]) -> String {
        var text = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: \(name)}
            provisioner: \(provisioner)
            volumeBindingMode: Immediate
            reclaimPolicy: Delete

            """
        if !parameters.isEmpty {
            text += "parameters:\n" + parameters.sorted { $0.key < $1.key }.map { "  \($0.key): \"\($0.value)\"\n" }.joined()
        }
        return text
    }

    static func claim(_ name: String, storageClass: String, size: String = "64Mi", volumeMode: String = "Filesystem") -> String {
        """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: \(name), namespace: default}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: \(storageClass)
          volumeMode: \(volumeMode)
          resources: {requests: {storage: \(size)}}

        """
    }

    /// A pod on `test-node` without a command (a pure volume consumer) using `claim` as volume `data`.
    static func pod(_ name: String, claim: String, node: String = "test-node") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: default}
        spec:
          nodeName: \(node)
          containers:
          - name: app
            image: busybox
            volumeMounts: [{name: data, mountPath: /data}]
          volumes:
          - name: data
            persistentVolumeClaim: {claimName: \(claim)}

        """
    }
}

/// A host tool run to its end by a test.
enum HostCommand {
    /// Runs `executable` with `arguments`; returns its standard output.
    /// - Throws: `TestClusterError` with the tool's output when it exits non-zero.
    @discardableResult
    static func run(_ executable: String, _ arguments: String...) throws -> String {
        let result = try PipedProcess.run(executable, arguments: arguments)
        let text = String(decoding: result.standardOutput + result.standardError, as: UTF8.self)
        guard result.status == 0 else {
            throw TestClusterError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(text)")
        }
        return text
    }
}
