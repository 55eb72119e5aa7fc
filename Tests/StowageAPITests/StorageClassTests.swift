import Foundation
import Testing
@testable import StowageAPI

@Suite("StorageClass")
struct StorageClassTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"storage.k8s.io/v1","kind":"StorageClass",
     "metadata":{"name":"fast","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
     "provisioner":"hostpath.stowage.dev","parameters":{"root":"/var/lib/stowage"},"reclaimPolicy":"Retain",
     "mountOptions":["noatime"],"allowVolumeExpansion":true,"volumeBindingMode":"WaitForFirstConsumer",
     "allowedTopologies":[{"matchLabelExpressions":[{"key":"kubernetes.io/hostname","values":["node-1","node-2"]}]}]}
    """

    static func valid() -> StorageClass {
        var sc = StorageClass(name: "standard", provisioner: "hostpath.stowage.dev")
        sc.applyDefaults()
        return sc
    }

    @Test func roundTripsAKubernetesManifest() throws {
        let sc = try T.roundTrip(StorageClass.self, Self.manifest)
        #expect(sc.isDefault)
        #expect(sc.volumeBindingMode == VolumeBindingMode.waitForFirstConsumer)
        #expect(sc.allowedTopologies?.first?.matchLabelExpressions?.first?.values == ["node-1", "node-2"])
        #expect(sc.validate() == [])
        #expect(!sc.specDiffers(from: Self.valid()), "a StorageClass has no spec")
    }

    @Test func defaults() {
        var sc = StorageClass(name: "s", provisioner: "p")
        sc.applyDefaults()
        #expect(sc.reclaimPolicy == "Delete")
        #expect(sc.volumeBindingMode == "Immediate")
        #expect(!sc.isDefault)
        #expect(T.registered("sc", StorageClass.self))
        #expect(StorageClass.resource.apiVersion == "storage.k8s.io/v1")
    }

    func errors(_ change: (inout StorageClass) -> Void) -> [String] {
        var sc = Self.valid()
        change(&sc)
        return T.texts(sc.validate())
    }

    @Test func validation() {
        #expect(errors { $0.provisioner = nil } == ["provisioner: Required value"])
        #expect(errors { $0.reclaimPolicy = "Recycle" } == [
            "reclaimPolicy: Unsupported value: \"Recycle\": supported values: \"Delete\", \"Retain\"",
        ])
        #expect(errors { $0.volumeBindingMode = "Later" } == [
            "volumeBindingMode: Unsupported value: \"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
        ])
        #expect(errors { $0.volumeBindingMode = nil } == ["volumeBindingMode: Required value"])
        #expect(errors { $0.parameters = ["": "x"] } == ["parameters: Invalid value: \"\": field can not be empty."])
        #expect(errors { $0.parameters = ["big": String(repeating: "x", count: 256 * 1024)] } == [
            "parameters: Too long: may not be more than 262144 bytes",
        ])
    }

    @Test func allowedTopologies() {
        func topology(_ key: String, _ values: [String]?) -> TopologySelectorTerm {
            TopologySelectorTerm(matchLabelExpressions: [TopologySelectorLabelRequirement(key: key, values: values)])
        }
        #expect(errors { $0.allowedTopologies = [topology("zone", [])] } == [
            "allowedTopologies[0].matchLabelExpressions[0].values: Required value",
        ])
        #expect(errors { $0.allowedTopologies = [topology("zone", ["a", "a"])] } == [
            "allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: \"a\"",
        ])
        let twice = TopologySelectorTerm(matchLabelExpressions: [
            TopologySelectorLabelRequirement(key: "zone", values: ["a"]),
            TopologySelectorLabelRequirement(key: "zone", values: ["b"]),
        ])
        #expect(errors { $0.allowedTopologies = [twice] } == [
            "allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: \"zone\"",
        ])
        #expect(errors { $0.allowedTopologies = [topology("zone", ["a", "b"]), topology("zone", ["b", "a"])] } == [
            "allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\"",
        ])
    }

    func updateErrors(_ change: (inout StorageClass) -> Void) -> [String] {
        let old = Self.valid()
        var new = old
        change(&new)
        return T.texts(new.validateUpdate(from: old))
    }

    @Test func update() {
        #expect(updateErrors {
            $0.allowVolumeExpansion = true
            $0.mountOptions = ["noatime"]
            $0.metadata.annotations = [StorageAnnotation.isDefaultClass: "true"]
        } == [])
        #expect(updateErrors { $0.parameters = ["a": "b"] } == ["parameters: Forbidden: updates to parameters are forbidden."])
        #expect(updateErrors { $0.provisioner = "other" } == ["provisioner: Forbidden: updates to provisioner are forbidden."])
        #expect(updateErrors { $0.reclaimPolicy = "Retain" } == [
            "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.",
        ])
        #expect(updateErrors { $0.volumeBindingMode = "WaitForFirstConsumer" } == [
            "volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable",
        ])
    }
}
