import Foundation
import Testing
@testable import StowageAPI

@Suite("Node")
struct NodeTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-1","labels":{"kubernetes.io/hostname":"node-1",
      "topology.kubernetes.io/zone":"z1"}},
     "spec":{"podCIDR":"10.0.0.0/24","podCIDRs":["10.0.0.0/24"],"providerID":"stowage://node-1","unschedulable":true,
      "taints":[{"key":"node.kubernetes.io/unschedulable","effect":"NoSchedule","timeAdded":"2026-11-22T10:00:00Z"}]},
     "status":{"capacity":{"cpu":"4","memory":"8Gi","ephemeral-storage":"100Gi"},"allocatable":{"cpu":"4","memory":"8Gi"},
      "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-11-22T10:00:00Z",
        "lastTransitionTime":"2026-11-22T09:00:00Z","reason":"KubeletReady","message":"ready"}],
      "addresses":[{"type":"InternalIP","address":"192.168.1.5"},{"type":"Hostname","address":"node-1"}],
      "nodeInfo":{"machineID":"m","systemUUID":"s","bootID":"b","kernelVersion":"6.8.0","osImage":"Ubuntu 24.04",
        "containerRuntimeVersion":"stowage://1.0","kubeletVersion":"v1.34.0","kubeProxyVersion":"v1.34.0",
        "operatingSystem":"linux","architecture":"amd64"},
      "volumesInUse":["kubernetes.io/csi/hostpath.stowage.dev^vol-1"],
      "volumesAttached":[{"name":"kubernetes.io/csi/hostpath.stowage.dev^vol-1","devicePath":""}]}}
    """

    @Test func roundTripsAKubernetesManifest() throws {
        let node = try T.roundTrip(Node.self, Self.manifest)
        #expect(node.metadata.label(NodeLabel.zone) == "z1")
        #expect(node.status?.nodeInfo?.kernelVersion == "6.8.0")
        #expect(node.validate() == [])
        #expect(T.registered("no", Node.self))
        #expect(Node.resource.hasStatusSubresource)
    }

    @Test func convenienceInitLabelsHostname() {
        #expect(Node(name: "n1").metadata.label(NodeLabel.hostname) == "n1")
        #expect(Node(name: "n1", labels: [NodeLabel.hostname: "h"]).metadata.label(NodeLabel.hostname) == "h")
    }

    @Test func fieldValues() {
        var node = Node(name: "n1")
        #expect(node.fieldValue("spec.unschedulable") == "false")
        node.spec = NodeSpec(unschedulable: true)
        #expect(node.fieldValue("spec.unschedulable") == "true")
        #expect(node.fieldValue("metadata.name") == "n1")
        #expect(node.fieldValue("status.phase") == nil)
    }

    @Test func taintValidation() {
        var node = Node(name: "n1")
        node.spec = NodeSpec(taints: [
            Taint(key: "a", effect: nil),
            Taint(key: "b", effect: "Never"),
            Taint(key: "c", value: "1", effect: "NoExecute"),
            Taint(key: "c", value: "2", effect: "NoExecute"),
        ])
        #expect(T.texts(node.validate()) == [
            "metadata.taints[0].effect: Required value",
            "metadata.taints[1].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
            "metadata.taints[3]: Duplicate value: \"c=2:NoExecute\": taints must be unique by key and effect pair",
        ])
    }

    @Test func negativeResources() {
        var node = Node(name: "n1")
        node.status = NodeStatus(capacity: ["cpu": T.q("-1")])
        #expect(T.texts(node.validate()) == ["status.capacity[cpu]: Invalid value: \"-1\": must be greater than or equal to 0"])
    }

    @Test func update() {
        var old = Node(name: "n1")
        old.spec = NodeSpec()
        var new = old
        new.spec?.podCIDRs = ["10.0.0.0/24"]
        new.spec?.providerID = "p1"
        new.spec?.unschedulable = true
        #expect(new.validateUpdate(from: old) == [])
        #expect(new.specDiffers(from: old))
        var moved = new
        moved.spec?.podCIDRs = ["10.0.1.0/24"]
        moved.spec?.providerID = "p2"
        #expect(T.texts(moved.validateUpdate(from: new)) == [
            "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid",
            "spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid",
        ])
    }
}
