import Foundation
import Testing
@testable import StowageAPI

@Suite("PersistentVolume")
struct PersistentVolumeTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"pv-local","labels":{"type":"local"},
     "annotations":{"pv.kubernetes.io/provisioned-by":"hostpath.stowage.dev"}},
     "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce","ReadOnlyMany"],
      "persistentVolumeReclaimPolicy":"Delete","storageClassName":"fast","mountOptions":["noatime"],
      "volumeMode":"Filesystem","volumeAttributesClassName":"gold",
      "nodeAffinity":{"required":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"kubernetes.io/hostname",
        "operator":"In","values":["node-1"]}],"matchFields":[{"key":"metadata.name","operator":"In","values":["node-1"]}]}]}},
      "claimRef":{"kind":"PersistentVolumeClaim","namespace":"default","name":"data","uid":"u-1",
        "apiVersion":"v1","resourceVersion":"42","fieldPath":""},
      "csi":{"driver":"hostpath.stowage.dev","volumeHandle":"vol-1","readOnly":false,"fsType":"ext4",
        "volumeAttributes":{"k":"v"},"controllerPublishSecretRef":{"name":"s","namespace":"ns"},
        "nodeStageSecretRef":{"name":"s","namespace":"ns"},"nodePublishSecretRef":{"name":"s","namespace":"ns"},
        "controllerExpandSecretRef":{"name":"s","namespace":"ns"},"nodeExpandSecretRef":{"name":"s","namespace":"ns"}}},
     "status":{"phase":"Bound","message":"m","reason":"r","lastPhaseTransitionTime":"2026-11-22T10:04:05Z"}}
    """

    static func valid() -> PersistentVolume {
        PersistentVolume(name: "pv1", capacity: T.q("1Gi"), hostPath: HostPathVolumeSource(path: "/data/pv1"))
    }

    @Test func roundTripsAKubernetesManifest() throws {
        let pv = try T.roundTrip(PersistentVolume.self, Self.manifest)
        #expect(pv.spec?.csi?.volumeHandle == "vol-1")
        #expect(pv.storageCapacity == T.q("10Gi"))
        #expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.first?.matchExpressions?.first?.operator == "In")
        #expect(pv.status?.lastPhaseTransitionTime == Timestamp(rfc3339: "2026-11-22T10:04:05Z"))
        #expect(pv.validate().isEmpty, "\(T.texts(pv.validate()))")
    }

    @Test func roundTripsHostPathAndLocalSources() throws {
        try T.roundTrip(PersistentVolume.self, """
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"a"},
         "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/tmp/a","type":"DirectoryOrCreate"}}}
        """)
        try T.roundTrip(PersistentVolume.self, """
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"b"},
         "spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"local":{"path":"/mnt/disk","fsType":"xfs"}}}
        """)
    }

    @Test func unknownEnumValuesDecode() throws {
        let pv = try APICodec.decode(PersistentVolume.self, from: Data("""
        {"apiVersion":"v1","kind":"PersistentVolume","metadata":{"name":"x"},"spec":{"accessModes":["Sometimes"]}}
        """.utf8))
        #expect(pv.spec?.accessModes == ["Sometimes"])
    }

    @Test func defaults() {
        var pv = Self.valid()
        pv.applyDefaults()
        #expect(pv.spec?.persistentVolumeReclaimPolicy == "Retain")
        #expect(pv.spec?.volumeMode == "Filesystem")
        #expect(pv.spec?.hostPath?.type == "")
        #expect(pv.status?.phase == "Pending")

        var set = Self.valid()
        set.spec?.persistentVolumeReclaimPolicy = "Delete"
        set.spec?.volumeMode = "Block"
        set.status = PersistentVolumeStatus(phase: "Bound")
        set.applyDefaults()
        #expect(set.spec?.persistentVolumeReclaimPolicy == "Delete")
        #expect(set.spec?.volumeMode == "Block")
        #expect(set.status?.phase == "Bound")
    }

    @Test func validVolumePasses() {
        var pv = Self.valid()
        pv.applyDefaults()
        #expect(pv.validate().isEmpty)
    }

    @Test func fieldValues() {
        var pv = Self.valid()
        pv.spec?.claimRef = ObjectReference(namespace: "ns", name: "c")
        pv.status = PersistentVolumeStatus(phase: "Bound")
        #expect(pv.fieldValue("spec.claimRef.name") == "c")
        #expect(pv.fieldValue("spec.claimRef.namespace") == "ns")
        #expect(pv.fieldValue("status.phase") == "Bound")
        #expect(pv.fieldValue("metadata.name") == "pv1")
        #expect(pv.fieldValue("spec.nodeName") == nil)
        #expect(Self.valid().fieldValue("spec.claimRef.name") == "")
    }

    @Test func resourceRegistration() {
        #expect(T.registered("pv", PersistentVolume.self))
        #expect(T.registered("persistentvolumes", PersistentVolume.self))
        #expect(PersistentVolume.resource.hasStatusSubresource)
        #expect(!PersistentVolume.resource.namespaced)
    }

    @Test func specDiffersAndTakeStatus() {
        let old = Self.valid()
        var new = old
        #expect(!new.specDiffers(from: old))
        new.spec?.storageClassName = "other"
        #expect(new.specDiffers(from: old))
        var withStatus = old
        withStatus.status = PersistentVolumeStatus(phase: "Available")
        new.takeStatus(from: withStatus)
        #expect(new.status?.phase == "Available")
    }
}
