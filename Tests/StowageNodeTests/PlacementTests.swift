import Foundation
import StowageAPI
import StowageClient
import StowageTesting
import Testing

@Suite("Placement: pods without a node", .enabled(if: NodeHost.canRun, NodeHost.reason))
struct PlacementTests {
    static func unplacedPod(_ name: String, claim: String) -> String {
        NodeManifests.pod(name, claim: claim).replacingOccurrences(of: "  nodeName: test-node\n", with: "")
    }

    @Test func aWaitForFirstConsumerClaimIsProvisionedWhereItsPodIsPlaced() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(NodeManifests.storageClass("late", provisioner: "loop.stowage.dev")
                .replacingOccurrences(of: "volumeBindingMode: Immediate", with: "volumeBindingMode: WaitForFirstConsumer")
                + "---\n" + NodeManifests.claim("data", storageClass: "late"))
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "WaitForFirstConsumer")
            try await cluster.apply(Self.unplacedPod("consumer", claim: "data"))
            let pod = try await cluster.waitForRunning("consumer")
            #expect(pod.spec?.nodeName == "test-node")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data"))
            #expect(claim.metadata.annotations?["volume.kubernetes.io/selected-node"] == "test-node")
            let volume = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: claim.spec?.volumeName ?? ""))
            #expect(volume.spec?.nodeAffinity != nil, "the volume carries the driver's topology")
            try await cluster.waitForEvent(about: Pod.self, "default/consumer", reason: "Scheduled", containing: "to test-node")
            try await cluster.deletePodAndWaitForTeardown(pod)
        }
    }

    @Test func aVolumeBoundToAnotherNodeLeavesThePodUnschedulableWithTheReason() async throws {
        try await withNode(drivers: [.hostpath]) { cluster in
            try await cluster.apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: elsewhere}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  claimRef: {namespace: default, name: pinned}
                  storageClassName: ""
                  local: {path: /srv/elsewhere}
                  nodeAffinity:
                    required:
                      nodeSelectorTerms:
                      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [other-node]}]
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: pinned, namespace: default}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: ""
                  resources: {requests: {storage: 1Gi}}
                """)
            _ = try await cluster.boundVolumeName("pinned")
            try await cluster.apply(Self.unplacedPod("stuck", claim: "pinned"))
            let expected = "0/1 nodes are available: 1 node(s) had volume node affinity conflict."
            let pod = try await cluster.waitFor(Pod.self, "default/stuck") {
                $0.status?.condition(PodCondition.ConditionType.podScheduled)?.status == "False"
            }
            #expect(pod.status?.condition(PodCondition.ConditionType.podScheduled)?.reason == "Unschedulable")
            #expect(pod.status?.condition(PodCondition.ConditionType.podScheduled)?.message == expected)
            #expect((pod.spec?.nodeName ?? "").isEmpty)
            let event = try await cluster.waitForEvent(about: Pod.self, "default/stuck", reason: "FailedScheduling")
            #expect(event.message == expected)
        }
    }

    @Test func anEphemeralVolumeGetsItsOwnClaimThatGoesWithThePod() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(NodeManifests.storageClass("late", provisioner: "loop.stowage.dev")
                .replacingOccurrences(of: "volumeBindingMode: Immediate", with: "volumeBindingMode: WaitForFirstConsumer"))
            try await cluster.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: scratcher, namespace: default}
                spec:
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: app
                    image: busybox
                    command: [sh, -c, "df -k /scratch | tail -1 > /scratch/df; sleep 3600"]
                    volumeMounts: [{name: scratch, mountPath: /scratch}]
                  volumes:
                  - name: scratch
                    ephemeral:
                      volumeClaimTemplate:
                        metadata: {labels: {purpose: scratch}}
                        spec:
                          accessModes: [ReadWriteOnce]
                          storageClassName: late
                          resources: {requests: {storage: 32Mi}}
                """)
            let pod = try await cluster.waitForRunning("scratcher")
            let claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/scratcher-scratch") { $0.status?.phase == "Bound" }
            #expect(claim.metadata.labels?["purpose"] == "scratch")
            let owner = try #require(claim.metadata.ownerReferences?.first)
            #expect(owner.kind == "Pod" && owner.uid == pod.metadata.uid && owner.controller == true && owner.blockOwnerDeletion == true)
            #expect(claim.metadata.annotations?["volume.kubernetes.io/selected-node"] == "test-node")
            let df = try await PodRuntimeTests.waitForFile(cluster.target(of: pod, driver: "loop.stowage.dev", volume: "scratch") + "/df", contains: "\n")
            #expect(df.hasPrefix("/dev/loop"), "the container sees the loop filesystem at /scratch: \(df)")
            let volumeName = claim.spec?.volumeName ?? ""

            // Deleting the pod deletes its claim (garbage collector) and so the volume (reclaim policy Delete).
            try await cluster.deletePodAndWaitForTeardown(pod)
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/scratcher-scratch")
            try await cluster.waitForDeletion(PersistentVolume.self, volumeName)
        }
    }

    @Test func aClaimLargerThanTheDriversFreeSpaceLeavesItsPodUnschedulable() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(NodeManifests.storageClass("late", provisioner: "loop.stowage.dev")
                .replacingOccurrences(of: "volumeBindingMode: Immediate", with: "volumeBindingMode: WaitForFirstConsumer")
                + "---\n" + NodeManifests.claim("huge", storageClass: "late", size: "100Ti"))
            // The node publishes the loop driver's free space for the class, and marks the driver as tracking it.
            let capacity = try await cluster.waitFor(CSIStorageCapacity.self, "kube-system/late-test-node") { $0.capacity != nil }
            #expect(capacity.storageClassName == "late")
            #expect(try capacity.nodeTopology?.matches(["kubernetes.io/hostname": "test-node"]) == true
                    || capacity.nodeTopology?.matchLabels?.isEmpty == false)
            #expect((capacity.capacity ?? Quantity(bytes: 0)) > Quantity(bytes: 0))
            let driver = try await cluster.cluster.get(CSIDriver.self, ObjectKey(name: "loop.stowage.dev"))
            #expect(driver.spec?.storageCapacity == true)
            #expect(driver.spec?.attachRequired == false)

            try await cluster.apply(Self.unplacedPod("greedy", claim: "huge"))
            let expected = "0/1 nodes are available: 1 node(s) did not have enough free storage."
            let pod = try await cluster.waitFor(Pod.self, "default/greedy") {
                $0.status?.condition(PodCondition.ConditionType.podScheduled)?.message == expected
            }
            #expect((pod.spec?.nodeName ?? "").isEmpty)
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "huge"))
            #expect(claim.status?.phase == "Pending")
            #expect(claim.metadata.annotations?["volume.kubernetes.io/selected-node"] == nil, "nothing is provisioned")

            // A class that goes takes its capacity object with it.
            _ = try await cluster.cluster.delete(StorageClass.self, ObjectKey(name: "late"))
            try await cluster.waitForDeletion(CSIStorageCapacity.self, "kube-system/late-test-node")
        }
    }

    @Test func aNodeOnlyDriverIsDescribedWithoutBeingAskedForCapacity() async throws {
        // emptydir has no controller service: the node must not call ControllerGetCapabilities on it (that failed
        // every 30 s, and the driver never got its CSIDriver object).
        try await withNode(drivers: [.emptydir]) { cluster in
            let driver = try await cluster.waitFor(CSIDriver.self, "emptydir.stowage.dev")
            #expect(driver.spec?.storageCapacity == false)
            #expect(driver.spec?.volumeLifecycleModes == ["Ephemeral"])
            #expect(driver.spec?.attachRequired == false)
            let capacities = try await cluster.cluster.list(CSIStorageCapacity.self, ListOptions(namespace: "kube-system")).items
            #expect(capacities.isEmpty)
        }
    }
}
