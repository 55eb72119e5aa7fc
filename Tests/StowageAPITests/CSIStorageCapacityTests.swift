import Foundation
import Testing
@testable import StowageAPI

@Suite("CSIStorageCapacity")
struct CSIStorageCapacityTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"storage.k8s.io/v1","kind":"CSIStorageCapacity","metadata":{"name":"csisc-abcde","namespace":"stowage-system"},
     "nodeTopology":{"matchLabels":{"topology.hostpath.stowage.dev/node":"node-1"}},
     "storageClassName":"fast","capacity":"100Gi","maximumVolumeSize":"50Gi"}
    """

    static func valid() -> CSIStorageCapacity {
        CSIStorageCapacity(
            metadata: ObjectMeta(name: "c", namespace: "stowage-system"),
            nodeTopology: LabelSelector(matchLabels: ["zone": "a"]), storageClassName: "fast",
            capacity: T.q("10Gi"))
    }

    @Test func roundTripsAKubernetesManifest() throws {
        let capacity = try T.roundTrip(CSIStorageCapacity.self, Self.manifest)
        #expect(capacity.capacity == T.q("100Gi"))
        #expect(capacity.maximumVolumeSize == T.q("50Gi"))
        #expect(capacity.validate() == [])
        #expect(T.registered("csistoragecapacities", CSIStorageCapacity.self))
        #expect(CSIStorageCapacity.resource.namespaced)
    }

    @Test func validation() {
        var negative = Self.valid()
        negative.capacity = T.q("-1Gi")
        negative.maximumVolumeSize = T.q("-1")
        #expect(T.texts(negative.validate()) == [
            "capacity: Invalid value: \"-1Gi\": must be greater than or equal to 0",
        ])
        var zero = Self.valid()
        zero.capacity = T.q("0")
        #expect(zero.validate() == [])
    }

    @Test func update() {
        let old = Self.valid()
        var new = old
        new.capacity = T.q("5Gi")
        #expect(new.validateUpdate(from: old) == [])
        new.storageClassName = "slow"
        new.nodeTopology = LabelSelector(matchLabels: ["zone": "b"])
        #expect(T.texts(new.validateUpdate(from: old)) == [
            "nodeTopology: Invalid value: {\"matchLabels\":{\"zone\":\"b\"}}: field is immutable",
            "storageClassName: Invalid value: \"slow\": field is immutable",
        ])
    }
}
