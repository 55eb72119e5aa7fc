import Foundation
import Testing
@testable import StowageAPI

@Suite("PersistentVolumeClaim")
struct PersistentVolumeClaimTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"v1","kind":"PersistentVolumeClaim",
     "metadata":{"name":"data","namespace":"default","annotations":{"pv.kubernetes.io/bind-completed":"yes"},
      "finalizers":["kubernetes.io/pvc-protection"]},
     "spec":{"accessModes":["ReadWriteOnce"],"selector":{"matchLabels":{"tier":"db"},
       "matchExpressions":[{"key":"env","operator":"In","values":["prod"]}]},
      "resources":{"requests":{"storage":"5Gi"},"limits":{"storage":"10Gi"}},"volumeName":"pv-1",
      "storageClassName":"fast","volumeMode":"Filesystem",
      "dataSource":{"kind":"PersistentVolumeClaim","name":"src"},
      "dataSourceRef":{"kind":"PersistentVolumeClaim","name":"src"},"volumeAttributesClassName":"gold"},
     "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"5Gi"},
      "conditions":[{"type":"Resizing","status":"True","lastProbeTime":"2026-11-22T10:00:00Z",
        "lastTransitionTime":"2026-11-22T10:00:01Z","reason":"r","message":"m"}],
      "allocatedResources":{"storage":"5Gi"},"allocatedResourceStatuses":{"storage":"ControllerResizeInProgress"},
      "currentVolumeAttributesClassName":"gold",
      "modifyVolumeStatus":{"targetVolumeAttributesClassName":"silver","status":"InProgress"}}}
    """

    static func valid() -> PersistentVolumeClaim {
        PersistentVolumeClaim(name: "data", request: T.q("1Gi"))
    }

    @Test func roundTripsAKubernetesManifest() throws {
        let pvc = try T.roundTrip(PersistentVolumeClaim.self, Self.manifest)
        #expect(pvc.storageRequest == T.q("5Gi"))
        #expect(pvc.spec?.selector?.matchLabels == ["tier": "db"])
        #expect(pvc.status?.conditions?.first?.type == PersistentVolumeClaimConditionType.resizing)
        #expect(pvc.validate() == [])
    }

    @Test func defaults() {
        var pvc = Self.valid()
        pvc.applyDefaults()
        #expect(pvc.spec?.volumeMode == "Filesystem")
        #expect(pvc.status?.phase == "Pending")
        #expect(pvc.spec?.storageClassName == nil, "absent class stays absent: it means the default class")
        #expect(Self.valid().spec?.effectiveVolumeMode == "Filesystem")
        #expect(PersistentVolumeSpec(volumeMode: "Block").effectiveVolumeMode == "Block")
    }

    @Test func fieldValues() {
        var pvc = Self.valid()
        #expect(pvc.fieldValue("spec.volumeName") == "")
        pvc.spec?.volumeName = "pv-1"
        pvc.status = PersistentVolumeClaimStatus(phase: "Bound")
        #expect(pvc.fieldValue("spec.volumeName") == "pv-1")
        #expect(pvc.fieldValue("status.phase") == "Bound")
        #expect(pvc.fieldValue("metadata.namespace") == "default")
        #expect(pvc.fieldValue("spec.capacity") == nil)
    }

    @Test func resourceRegistration() {
        #expect(T.registered("pvc", PersistentVolumeClaim.self))
        #expect(PersistentVolumeClaim.resource.namespaced)
        #expect(PersistentVolumeClaim.resource.hasStatusSubresource)
    }

    // MARK: validation

    func errors(_ change: (inout PersistentVolumeClaim) -> Void) -> [String] {
        var pvc = Self.valid()
        pvc.applyDefaults()
        change(&pvc)
        return T.texts(pvc.validate())
    }

    @Test func accessModes() {
        #expect(errors { $0.spec?.accessModes = nil } == [
            "spec.accessModes: Required value: at least 1 access mode is required",
        ])
        #expect(errors { $0.spec?.accessModes = ["ReadWriteSometimes"] } == [
            "spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
        ])
        #expect(errors { $0.spec?.accessModes = ["ReadWriteMany", "ReadWriteOncePod"] } == [
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
        ])
    }

    @Test func storageRequest() {
        #expect(errors { $0.spec?.resources = nil } == ["spec.resources[storage]: Required value"])
        #expect(errors { $0.spec?.resources?.requests = ["cpu": T.q("1")] } == ["spec.resources[storage]: Required value"])
        #expect(errors { $0.spec?.resources?.requests = ["storage": T.q("0")] } == [
            "spec.resources.requests[storage]: Invalid value: \"0\": must be greater than zero",
        ])
        #expect(errors { $0.spec?.resources?.requests = ["storage": T.q("-5Mi")] } == [
            "spec.resources.requests[storage]: Invalid value: \"-5Mi\": must be greater than zero",
        ])
    }

    @Test func volumeMode() {
        #expect(errors { $0.spec?.volumeMode = "block" } == [
            "spec.volumeMode: Unsupported value: \"block\": supported values: \"Block\", \"Filesystem\"",
        ])
        #expect(errors { $0.spec?.volumeMode = "Block" } == [])
    }

    @Test func dataSource() {
        #expect(errors { $0.spec?.dataSource = TypedLocalObjectReference(kind: "PersistentVolumeClaim", name: "src") } == [])
        #expect(errors {
            $0.spec?.dataSource = TypedLocalObjectReference(apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "s")
        } == [])
        #expect(errors { $0.spec?.dataSource = TypedLocalObjectReference(kind: "Pod", name: "p") } == [
            "spec.dataSource: Unsupported value: \"Pod\": supported values: \"PersistentVolumeClaim\"",
        ])
        #expect(errors { $0.spec?.dataSource = TypedLocalObjectReference() } == [
            "spec.dataSource.name: Required value",
            "spec.dataSource.kind: Required value",
            "spec.dataSource: Unsupported value: \"\": supported values: \"PersistentVolumeClaim\"",
        ])
        #expect(errors {
            $0.spec?.dataSource = TypedLocalObjectReference(kind: "PersistentVolumeClaim", name: "a")
            $0.spec?.dataSourceRef = TypedObjectReference(kind: "PersistentVolumeClaim", name: "b")
        } == ["spec: Invalid value: spec.dataSource: must match dataSourceRef"])
        #expect(errors {
            $0.spec?.dataSource = TypedLocalObjectReference(kind: "PersistentVolumeClaim", name: "a")
            $0.spec?.dataSourceRef = TypedObjectReference(kind: "PersistentVolumeClaim", name: "a", namespace: "other")
        } == ["spec: Invalid value: spec.dataSource: may not be specified when dataSourceRef.namespace is specified"])
        #expect(errors { $0.spec?.dataSourceRef = TypedObjectReference(kind: "Secret", name: "s") } == [
            "spec.dataSourceRef: Unsupported value: \"Secret\": supported values: \"PersistentVolumeClaim\"",
        ])
    }
}
