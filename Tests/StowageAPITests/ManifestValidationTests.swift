import Testing
import StowageAPI

/// Manifests of real kinds: decode errors and validation errors located at their line.
@Suite("Manifest errors on real kinds")
struct ManifestValidationTests {
    static let badQuantity = """
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gx
    """

    @Test func aBadQuantityIsLocatedAtItsLineWithKubernetesText() {
        #expect {
            _ = try ManifestReader.read(Self.badQuantity, file: "pvc.yaml")
        } throws: { error in
            "\(error)" == #"pvc.yaml:9:7: document 1: spec.resources.requests.storage: Invalid value: "1Gx": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"#
        }
    }

    @Test func validationErrorsAreLocatedThroughTheManifest() throws {
        let yaml = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
        spec:
          accessModes: [ReadWriteEverywhere]
          resources:
            requests:
              storage: 0
        """
        let objects = try ManifestReader.read(yaml, file: "pvc.yaml")
        var claim = try #require(objects.first?.object as? PersistentVolumeClaim)
        claim.metadata.namespace = "default"
        claim.applyDefaults()
        let located = claim.validate().map { objects[0].locate($0).description }
        #expect(located == [
            #"pvc.yaml:6:3: document 1: spec.accessModes: Unsupported value: "ReadWriteEverywhere": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#,
            #"pvc.yaml:9:7: document 1: spec.resources.requests[storage]: Invalid value: "0": must be greater than zero"#,
        ])
    }

    @Test func realManifestsDecodeWithQuantitiesInEveryForm() throws {
        let yaml = """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv}
        spec:
          capacity: {storage: 1073741824}
          accessModes: [ReadWriteOnce]
          hostPath: {path: /srv/pv}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: c}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {requests: {storage: 1024Mi}}
        """
        let objects = try ManifestReader.read(yaml, file: "x.yaml")
        let volume = try #require(objects[0].object as? PersistentVolume)
        let claim = try #require(objects[1].object as? PersistentVolumeClaim)
        let capacity = try #require(volume.spec?.capacity?["storage"])
        let request = try #require(claim.spec?.resources?.requests?["storage"])
        #expect(capacity == request)
        #expect(capacity.description == "1073741824", "a plain number stays decimal, as Kubernetes prints it")
        #expect(request.description == "1Gi")
    }

    @Test func theStatefulSetExampleReadsAndValidates() throws {
        let objects = try ManifestReader.read(contentsOf: #filePath.replacingOccurrences(of: "Tests/StowageAPITests/ManifestValidationTests.swift", with: "examples/statefulset-web.yaml"))
        var set = try #require(objects.first?.object as? StatefulSet)
        #expect(objects[0].unknownFields == [])
        set.metadata.namespace = "default"
        set.applyDefaults()
        #expect(set.validate() == [])
        #expect(set.spec?.volumeClaimTemplates?.first?.metadata.name == "www")
        #expect(set.spec?.podManagementPolicy == "OrderedReady")
    }
}
