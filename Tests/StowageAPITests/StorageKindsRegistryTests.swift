import Foundation
import Testing
@testable import StowageAPI

/// Discovery facts of the storage kinds, as `kubectl api-resources` shows them for Kubernetes.
@Suite("Storage kinds registry")
struct StorageKindsRegistryTests {
    struct Expected: Sendable, CustomStringConvertible {
        var type: any APIObject.Type
        var apiVersion: String
        var plural: String
        var namespaced: Bool
        var shortNames: [String]
        var status: Bool
        var description: String { type.resource.kind }
    }

    static let expected: [Expected] = [
        Expected(type: PersistentVolume.self, apiVersion: "v1", plural: "persistentvolumes", namespaced: false, shortNames: ["pv"], status: true),
        Expected(type: PersistentVolumeClaim.self, apiVersion: "v1", plural: "persistentvolumeclaims", namespaced: true, shortNames: ["pvc"], status: true),
        Expected(type: StorageClass.self, apiVersion: "storage.k8s.io/v1", plural: "storageclasses", namespaced: false, shortNames: ["sc"], status: false),
        Expected(type: CSIDriver.self, apiVersion: "storage.k8s.io/v1", plural: "csidrivers", namespaced: false, shortNames: [], status: false),
        Expected(type: CSINode.self, apiVersion: "storage.k8s.io/v1", plural: "csinodes", namespaced: false, shortNames: [], status: false),
        Expected(type: CSIStorageCapacity.self, apiVersion: "storage.k8s.io/v1", plural: "csistoragecapacities", namespaced: true, shortNames: [], status: false),
        Expected(type: Node.self, apiVersion: "v1", plural: "nodes", namespaced: false, shortNames: ["no"], status: true),
        Expected(type: Event.self, apiVersion: "v1", plural: "events", namespaced: true, shortNames: ["ev"], status: false),
    ]

    @Test(arguments: expected)
    func discovery(_ kind: Expected) throws {
        let resource = kind.type.resource
        #expect(resource.apiVersion == kind.apiVersion)
        #expect(resource.plural == kind.plural)
        #expect(resource.namespaced == kind.namespaced)
        #expect(resource.shortNames == kind.shortNames)
        #expect(resource.hasStatusSubresource == kind.status)
        let byKind = try #require(APIKinds.type(apiVersion: kind.apiVersion, kind: resource.kind))
        #expect(ObjectIdentifier(byKind) == ObjectIdentifier(kind.type))
        let byPlural = try #require(APIKinds.type(named: kind.plural))
        #expect(ObjectIdentifier(byPlural) == ObjectIdentifier(kind.type))
        let bySingular = try #require(APIKinds.type(named: resource.kind))
        #expect(ObjectIdentifier(bySingular) == ObjectIdentifier(kind.type))
    }
}
