import Foundation
import StowageAPI
import StowageClient
import StowageLinux
import StowageTesting
import Testing

@Suite("Node agent: pods' volumes staged, published and torn down", .enabled(if: NodeHost.canRun, NodeHost.reason))
struct VolumeManagerTests {
    static let loopClass = NodeManifests.storageClass("loop", provisioner: "loop.stowage.dev")

    @Test func dataWrittenThroughOnePodIsReadByTheNextAndNothingIsLeftBehind() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(Self.loopClass + "---\n" + NodeManifests.claim("data", storageClass: "loop"))
            try await cluster.apply(NodeManifests.pod("writer", claim: "data"))
            let writer = try await cluster.waitForRunning("writer")
            let target = cluster.target(of: writer, driver: "loop.stowage.dev", volume: "data")
            #expect(cluster.mountsUnder(target) == [target], "the volume is mounted once at its publish path")
            #expect(try MountInfo.mounted(at: target)?.fsType == "ext4")
            try "written by writer\n".write(toFile: "\(target)/log", atomically: false, encoding: .utf8)
            #expect(writer.status?.hostIP == "127.0.0.1")
            #expect(writer.status?.condition(PodCondition.ConditionType.ready)?.status == "True")
            #expect(writer.status?.containerStatuses?.first?.state?.running != nil)

            try await cluster.deletePodAndWaitForTeardown(writer)
            #expect(cluster.mountsUnder(target).isEmpty)
            #expect(cluster.mountsUnder(cluster.stagingDirectory).isEmpty, "no other pod uses the volume: it is unstaged")

            try await cluster.apply(NodeManifests.pod("reader", claim: "data"))
            let reader = try await cluster.waitForRunning("reader")
            let again = cluster.target(of: reader, driver: "loop.stowage.dev", volume: "data")
            #expect(try String(contentsOfFile: "\(again)/log", encoding: .utf8) == "written by writer\n")

            try await cluster.deletePodAndWaitForTeardown(reader)
            #expect(cluster.mountsUnder(cluster.directory).isEmpty, "every mount is gone once the pods are")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cluster.podsDirectory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: "/data/log"), "the host's /data is not touched")
        }
    }

    @Test func twoPodsShareOneStagedVolumeUntilTheLastGoes() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(Self.loopClass + "---\n" + NodeManifests.claim("shared", storageClass: "loop"))
            try await cluster.apply(NodeManifests.pod("first", claim: "shared") + "---\n" + NodeManifests.pod("second", claim: "shared"))
            let first = try await cluster.waitForRunning("first")
            let second = try await cluster.waitForRunning("second")
            #expect(cluster.mountsUnder(cluster.stagingDirectory).count == 1, "staged once per node")
            let secondTarget = cluster.target(of: second, driver: "loop.stowage.dev", volume: "data")
            try "from second\n".write(toFile: "\(secondTarget)/file", atomically: false, encoding: .utf8)

            try await cluster.deletePodAndWaitForTeardown(first)
            #expect(cluster.mountsUnder(cluster.stagingDirectory).count == 1, "still staged: the second pod uses it")
            #expect(try String(contentsOfFile: "\(secondTarget)/file", encoding: .utf8) == "from second\n")
            try await cluster.deletePodAndWaitForTeardown(second)
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    @Test func blockClaimIsPublishedAsADeviceFile() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(Self.loopClass + "---\n" + NodeManifests.claim("raw", storageClass: "loop", size: "16Mi", volumeMode: "Block"))
            try await cluster.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: raw-user, namespace: default}
                spec:
                  nodeName: test-node
                  containers:
                  - name: app
                    image: busybox
                    volumeDevices: [{name: raw, devicePath: /dev/xvda}]
                  volumes:
                  - name: raw
                    persistentVolumeClaim: {claimName: raw}
                """)
            let pod = try await cluster.waitForRunning("raw-user")
            let target = cluster.target(of: pod, driver: "loop.stowage.dev", volume: "raw", block: true)
            var info = stat()
            #expect(stat(target, &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFBLK, "the target is a block device")
            let descriptor = open(target, O_RDONLY | O_CLOEXEC)
            #expect(descriptor >= 0)
            let size = lseek(descriptor, 0, SEEK_END)
            close(descriptor)
            #expect(size == 16 << 20)
            try await cluster.deletePodAndWaitForTeardown(pod)
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    @Test func memoryEmptyDirIsASizedTmpfsGoneWithThePod() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            try await cluster.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: scratch, namespace: default}
                spec:
                  nodeName: test-node
                  containers:
                  - {name: app, image: busybox, volumeMounts: [{name: cache, mountPath: /cache}]}
                  volumes:
                  - name: cache
                    emptyDir: {medium: Memory, sizeLimit: 8Mi}
                """)
            let pod = try await cluster.waitForRunning("scratch")
            let target = cluster.target(of: pod, driver: "emptydir.stowage.dev", volume: "cache")
            #expect(try MountInfo.mounted(at: target)?.fsType == "tmpfs")
            #expect(try FilesystemStats(path: target).totalBytes == 8 << 20)
            try await cluster.deletePodAndWaitForTeardown(pod)
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    @Test func podWaitsForItsClaimWithAFailedMountEventThenRuns() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(NodeManifests.pod("early", claim: "later"))
            let event = try await cluster.waitForEvent(about: Pod.self, "default/early", reason: "FailedMount",
                                                       containing: "persistentvolumeclaim \"later\" not found")
            #expect(event.type == "Warning")
            let waiting = try await cluster.waitFor(Pod.self, "default/early") { $0.status?.message != nil }
            #expect(waiting.status?.phase == PodStatus.Phase.pending)
            #expect(waiting.status?.containerStatuses?.first?.state?.waiting?.reason == "ContainerCreating")

            try await cluster.apply(Self.loopClass + "---\n" + NodeManifests.claim("later", storageClass: "loop"))
            let pod = try await cluster.waitForRunning("early")
            #expect(pod.status?.message == nil)
            try await cluster.deletePodAndWaitForTeardown(pod)
        }
    }

    @Test func restartRepublishesOnceAndTearsDownPodsDeletedMeanwhile() async throws {
        try await withNode(drivers: [.hostpath]) { cluster in
            try await cluster.apply(NodeManifests.storageClass("dirs", provisioner: "hostpath.stowage.dev"))
            var pods: [Pod] = []
            for index in 0..<3 {
                try await cluster.apply(NodeManifests.claim("c\(index)", storageClass: "dirs") + "---\n" + NodeManifests.pod("p\(index)", claim: "c\(index)"))
            }
            for index in 0..<3 { pods.append(try await cluster.waitForRunning("p\(index)")) }
            try "p0 data\n".write(toFile: cluster.target(of: pods[0], driver: "hostpath.stowage.dev", volume: "data") + "/file",
                                  atomically: false, encoding: .utf8)

            await cluster.stopNodeAgent()
            _ = try await cluster.cluster.delete(Pod.self, ObjectKey(namespace: "default", name: "p2"))
            try await cluster.startNodeAgent()

            let deletedDirectory = "\(cluster.podsDirectory)/\(pods[2].metadata.uid ?? "")"
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while FileManager.default.fileExists(atPath: deletedDirectory), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(!FileManager.default.fileExists(atPath: deletedDirectory), "the pod deleted while the agent was down is torn down")
            for pod in pods.prefix(2) {
                let target = cluster.target(of: pod, driver: "hostpath.stowage.dev", volume: "data")
                #expect(cluster.mountsUnder(target) == [target], "exactly one mount at \(target)")
                try await cluster.waitForRunning(pod.metadata.name ?? "")
            }
            #expect(try String(contentsOfFile: cluster.target(of: pods[0], driver: "hostpath.stowage.dev", volume: "data") + "/file",
                               encoding: .utf8) == "p0 data\n")
            for pod in pods.prefix(2) { try await cluster.deletePodAndWaitForTeardown(pod) }
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    @Test func nodeAndCSINodeAreRegisteredWithTheDrivers() async throws {
        try await withNode(drivers: [.hostpath, .emptydir]) { cluster in
            let node = try await cluster.waitFor(Node.self, "test-node") { $0.status?.conditions?.first?.status == "True" }
            #expect(node.metadata.labels?["kubernetes.io/hostname"] == "test-node")
            #expect(node.metadata.labels?["kubernetes.io/os"] == "linux")
            #expect(node.status?.addresses?.first { $0.type == "InternalIP" }?.address == "127.0.0.1")
            let csiNode = try await cluster.waitFor(CSINode.self, "test-node") { ($0.spec?.drivers ?? []).count == 2 }
            #expect(csiNode.spec?.drivers?.compactMap(\.name).sorted() == ["emptydir.stowage.dev", "hostpath.stowage.dev"])
            #expect(csiNode.spec?.drivers?.allSatisfy { $0.nodeID == "test-node" } == true)
            #expect(csiNode.metadata.ownerReferences?.first?.uid == node.metadata.uid)

            // A driver that goes is dropped from the CSINode, and its capacity with it.
            try await cluster.apply(NodeManifests.storageClass("paths", provisioner: "hostpath.stowage.dev"))
            _ = try await cluster.waitFor(CSIStorageCapacity.self, "kube-system/paths-test-node") { $0.capacity != nil }
            await cluster.stopDriver(.hostpath)
            let remaining = try await cluster.waitFor(CSINode.self, "test-node") { ($0.spec?.drivers ?? []).count == 1 }
            #expect(remaining.spec?.drivers?.compactMap(\.name) == ["emptydir.stowage.dev"])
            try await cluster.waitForDeletion(CSIStorageCapacity.self, "kube-system/paths-test-node")
        }
    }
}
