import Foundation
import Testing
@testable import StowageAPI

@Suite("PersistentVolume validation")
struct PersistentVolumeValidationTests {
    typealias T = StorageKindsTesting

    /// A valid hostPath volume, defaulted, changed by `change`; returns the validation messages.
    func errors(_ change: (inout PersistentVolume) -> Void) -> [String] {
        var pv = PersistentVolumeTests.valid()
        pv.applyDefaults()
        change(&pv)
        return T.texts(pv.validate())
    }

    func hostname(_ op: String, _ values: [String]?) -> VolumeNodeAffinity {
        VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
            NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "kubernetes.io/hostname", operator: op, values: values)]),
        ]))
    }

    @Test func capacity() {
        #expect(errors { $0.spec?.capacity = nil } == ["spec.capacity: Required value"])
        #expect(errors { $0.spec?.capacity = ["cpu": T.q("1")] } == [
            "spec.capacity: Unsupported value: \"cpu\": supported values: \"storage\"",
            "spec.capacity[storage]: Required value",
        ])
        #expect(errors { $0.spec?.capacity = ["storage": T.q("0")] } == [
            "spec.capacity[storage]: Invalid value: \"0\": must be greater than zero",
        ])
        #expect(errors { $0.spec?.capacity = ["storage": T.q("-1Gi")] } == [
            "spec.capacity[storage]: Invalid value: \"-1Gi\": must be greater than zero",
        ])
    }

    @Test func volumeSources() {
        #expect(errors { $0.spec?.hostPath = nil } == ["spec: Required value: must specify a volume type"])
        #expect(errors { $0.spec?.local = LocalVolumeSource(path: "/mnt") } == [
            "spec.local: Forbidden: may not specify more than 1 volume type",
        ])
        #expect(errors { $0.spec?.csi = CSIPersistentVolumeSource(driver: "d", volumeHandle: "h") } == [
            "spec.csi: Forbidden: may not specify more than 1 volume type",
        ])
    }

    @Test func accessModes() {
        #expect(errors { $0.spec?.accessModes = [] } == ["spec.accessModes: Required value"])
        #expect(errors { $0.spec?.accessModes = ["Sometimes"] } == [
            "spec.accessModes: Unsupported value: \"Sometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
        ])
        #expect(errors { $0.spec?.accessModes = ["ReadWriteOncePod", "ReadWriteOnce"] } == [
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
        ])
    }

    @Test func reclaimPolicyAndVolumeMode() {
        #expect(errors { $0.spec?.persistentVolumeReclaimPolicy = "Keep" } == [
            "spec.persistentVolumeReclaimPolicy: Unsupported value: \"Keep\": supported values: \"Delete\", \"Recycle\", \"Retain\"",
        ])
        #expect(errors { $0.spec?.volumeMode = "Raw" } == [
            "spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\"",
        ])
        #expect(errors {
            $0.spec?.hostPath?.path = "/"
            $0.spec?.persistentVolumeReclaimPolicy = "Recycle"
        } == ["spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"])
        #expect(errors { $0.spec?.persistentVolumeReclaimPolicy = "Recycle" } == [])
    }

    @Test func hostPath() {
        #expect(errors { $0.spec?.hostPath?.path = "" } == ["spec.hostPath.path: Required value"])
        #expect(errors { $0.spec?.hostPath?.path = "/a/../b" } == [
            "spec.hostPath.path: Invalid value: \"/a/../b\": must not contain '..'",
        ])
        #expect(errors { $0.spec?.hostPath?.type = "Dir" } == [
            "spec.hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
        ])
        #expect(errors { $0.spec?.mountOptions = ["ro"] } == [
            "spec.mountOptions: Forbidden: may not specify mount options for this volume type",
        ])
        #expect(errors { $0.metadata.annotations = [StorageAnnotation.mountOptions: "ro"] } == [
            "metadata.annotations.volume.beta.kubernetes.io/mount-options: Forbidden: may not specify mount options for this volume type",
        ])
    }

    @Test func local() {
        #expect(errors {
            $0.spec?.hostPath = nil
            $0.spec?.local = LocalVolumeSource(path: "/mnt/disk")
        } == ["spec.nodeAffinity: Required value: Local volume requires node affinity"])
        #expect(errors {
            $0.spec?.hostPath = nil
            $0.spec?.local = LocalVolumeSource(path: "")
            $0.spec?.nodeAffinity = hostname("In", ["n1"])
            $0.spec?.mountOptions = ["noatime"]
        } == ["spec.local.path: Required value"])
    }

    @Test func csi() {
        func csi(_ source: CSIPersistentVolumeSource) -> [String] {
            errors {
                $0.spec?.hostPath = nil
                $0.spec?.csi = source
            }
        }
        #expect(csi(CSIPersistentVolumeSource(driver: "hostpath.stowage.dev", volumeHandle: "v1")) == [])
        // As Kubernetes' ValidateCSIDriverName: an empty name is both missing and not a DNS subdomain.
        #expect(csi(CSIPersistentVolumeSource()) == [
            "spec.csi.driver: Required value",
            "spec.csi.driver: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "spec.csi.volumeHandle: Required value",
        ])
        #expect(csi(CSIPersistentVolumeSource(driver: String(repeating: "a", count: 64), volumeHandle: "v")) == [
            "spec.csi.driver: Too long: may not be more than 63 bytes",
        ])
        #expect(csi(CSIPersistentVolumeSource(
            driver: "d", volumeHandle: "v", nodeStageSecretRef: SecretReference(name: "s"),
            controllerExpandSecretRef: SecretReference(namespace: "ns"))) == [
            "spec.csi.nodeStageSecretRef.namespace: Required value",
            "spec.csi.controllerExpandSecretRef.name: Required value",
        ])
    }

    @Test func claimRef() {
        #expect(errors { $0.spec?.claimRef = ObjectReference(namespace: "default") } == ["spec.claimRef.name: Required value"])
        #expect(errors { $0.spec?.claimRef = ObjectReference(namespace: "default", name: "c") } == [])
    }

    @Test func nodeAffinity() {
        let base = "spec.nodeAffinity.required.nodeSelectorTerms"
        let expr = "\(base)[0].matchExpressions[0]"
        #expect(errors { $0.spec?.nodeAffinity = hostname("In", ["n1"]) } == [])
        #expect(errors { $0.spec?.nodeAffinity = VolumeNodeAffinity() } == [
            "spec.nodeAffinity.required: Required value: must specify required node constraints",
        ])
        #expect(errors { $0.spec?.nodeAffinity = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [])) } == [
            "\(base): Required value: must have at least one node selector term",
        ])
        #expect(errors { $0.spec?.nodeAffinity = hostname("Near", ["n1"]) } == [
            "\(expr).operator: Invalid value: \"Near\": not a valid selector operator",
        ])
        #expect(errors { $0.spec?.nodeAffinity = hostname("NotIn", nil) } == [
            "\(expr).values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ])
        #expect(errors { $0.spec?.nodeAffinity = hostname("Exists", ["x"]) } == [
            "\(expr).values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ])
        #expect(errors { $0.spec?.nodeAffinity = hostname("Gt", ["1", "2"]) } == [
            "\(expr).values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'",
        ])
        let fields = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
            NodeSelectorTerm(matchFields: [
                NodeSelectorRequirement(key: "metadata.labels", operator: "In", values: ["a", "b"]),
                NodeSelectorRequirement(key: "metadata.name", operator: "Exists"),
            ]),
        ]))
        #expect(errors { $0.spec?.nodeAffinity = fields } == [
            "\(base)[0].matchFields[0].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
            "\(base)[0].matchFields[0].key: Invalid value: \"metadata.labels\": not a valid field selector key",
            "\(base)[0].matchFields[1].operator: Invalid value: \"Exists\": not a valid selector operator",
        ])
    }

    // MARK: update

    func updateErrors(_ change: (inout PersistentVolume) -> Void, from old: PersistentVolume? = nil) -> [String] {
        var old = old ?? PersistentVolumeTests.valid()
        old.applyDefaults()
        var new = old
        change(&new)
        return T.texts(new.validateUpdate(from: old))
    }

    @Test func mutableFields() {
        #expect(updateErrors {
            $0.spec?.capacity = ["storage": T.q("2Gi")]
            $0.spec?.claimRef = ObjectReference(namespace: "ns", name: "c")
            $0.spec?.persistentVolumeReclaimPolicy = "Delete"
            $0.spec?.storageClassName = "other"
            $0.spec?.accessModes = ["ReadWriteMany"]
            $0.spec?.nodeAffinity = hostname("In", ["n1"])
        } == [])
    }

    @Test func sourceIsImmutable() {
        #expect(updateErrors { $0.spec?.hostPath?.path = "/elsewhere" } == [
            "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation",
        ])
        let csiVolume = PersistentVolume(
            name: "c", capacity: T.q("1Gi"), csi: CSIPersistentVolumeSource(driver: "d", volumeHandle: "h"))
        #expect(updateErrors({ $0.spec?.csi?.controllerExpandSecretRef = SecretReference(name: "s", namespace: "n") },
                             from: csiVolume) == [])
        #expect(updateErrors({ $0.spec?.csi?.volumeHandle = "other" }, from: csiVolume) == [
            "spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation",
        ])
    }

    @Test func volumeModeAndNodeAffinityAreImmutable() {
        #expect(updateErrors { $0.spec?.volumeMode = "Block" } == [
            "volumeMode: Invalid value: \"Block\": field is immutable",
        ])
        var pinned = PersistentVolumeTests.valid()
        pinned.spec?.nodeAffinity = hostname("In", ["n1"])
        let changed = updateErrors({ $0.spec?.nodeAffinity = hostname("In", ["n2"]) }, from: pinned)
        #expect(changed.count == 1)
        #expect(changed.first?.hasPrefix("nodeAffinity: Invalid value: {") == true)
        #expect(changed.first?.hasSuffix("\"n2\"]}]}]}}: field is immutable") == true)
    }
}
