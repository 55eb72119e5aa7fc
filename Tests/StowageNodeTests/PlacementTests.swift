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
}
