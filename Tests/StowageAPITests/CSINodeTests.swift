import Foundation
import Testing
@testable import StowageAPI

@Suite("CSINode")
struct CSINodeTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"storage.k8s.io/v1","kind":"CSINode","metadata":{"name":"node-1",
      "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"node-1","uid":"n-1"}]},
     "spec":{"drivers":[{"name":"hostpath.stowage.dev","nodeID":"node-1",
       "topologyKeys":["topology.hostpath.stowage.dev/node"],"allocatable":{"count":100}}]}}
    """

    @Test func roundTripsAKubernetesManifest() throws {
        let node = try T.roundTrip(CSINode.self, Self.manifest)
        #expect(node.driver(named: "hostpath.stowage.dev")?.allocatable?.count == 100)
        #expect(node.driver(named: "other") == nil)
        #expect(node.validate() == [])
        #expect(T.registered("csinodes", CSINode.self))
    }

    func errors(_ drivers: [CSINodeDriver]) -> [String] {
        T.texts(CSINode(name: "node-1", drivers: drivers).validate())
    }

    @Test func validation() {
        let path = "spec.drivers[0]"
        #expect(errors([CSINodeDriver(name: "d", nodeID: "n")]) == [])
        #expect(errors([CSINodeDriver()]) == [
            "\(path).name: Required value",
            "\(path).name: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "\(path).nodeID: Required value",
        ])
        let longID = String(repeating: "n", count: 193)
        #expect(errors([CSINodeDriver(name: "d", nodeID: longID)]) == [
            "\(path).nodeID: Invalid value: \"\(longID)\": must be 192 characters or less",
        ])
        #expect(errors([CSINodeDriver(name: "d", nodeID: "n", allocatable: VolumeNodeResources(count: -1))]) == [
            "\(path).allocatable.count: Invalid value: -1: must be greater than or equal to 0",
        ])
        #expect(errors([CSINodeDriver(name: "d", nodeID: "n"), CSINodeDriver(name: "d", nodeID: "n")]) == [
            "spec.drivers[1].name: Duplicate value: \"d\"",
        ])
        #expect(errors([CSINodeDriver(name: "d", nodeID: "n", topologyKeys: ["zone", "zone"])]) == [
            "\(path): Duplicate value: \"zone\"",
        ])
    }

    @Test func update() {
        let old = CSINode(name: "node-1", drivers: [CSINodeDriver(name: "d", nodeID: "n", topologyKeys: ["zone"])])
        var new = old
        new.spec?.drivers?[0].allocatable = VolumeNodeResources(count: 10)
        new.spec?.drivers?.append(CSINodeDriver(name: "e", nodeID: "n"))
        #expect(new.validateUpdate(from: old) == [])
        #expect(CSINode(name: "node-1", drivers: []).validateUpdate(from: old) == [])
        new.spec?.drivers?[0].nodeID = "m"
        #expect(T.texts(new.validateUpdate(from: old)) == [
            "spec.drivers: Invalid value: {\"name\":\"d\",\"nodeID\":\"m\",\"topologyKeys\":[\"zone\"]}: field is immutable",
        ])
    }

    @Test func specDiffers() {
        let old = CSINode(name: "node-1", drivers: [])
        let new = CSINode(name: "node-1", drivers: [CSINodeDriver(name: "d", nodeID: "n")])
        #expect(new.specDiffers(from: old))
        #expect(!old.specDiffers(from: old))
    }
}
