import Foundation
import Testing
@testable import StowageAPI
import StowageJSON

/// The kinds that write their own JSON (`JSONObjectWritable`) must write exactly what their `Encodable`
/// conformances write through the sorting encoder: stored objects and every response depend on it.
@Suite("Direct JSON writing")
struct DirectJSONWritingTests {
    private let direct = JSONStreamEncoder(sortsKeys: true)
    private let throughEncodable = JSONStreamEncoder(sortsKeys: true, writesObjectsDirectly: false)

    private func expectSameBytes<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fast = String(decoding: try direct.encode(value), as: UTF8.self)
        let reference = String(decoding: try throughEncodable.encode(value), as: UTF8.self)
        #expect(fast == reference, sourceLocation: sourceLocation)
    }

    /// Metadata with every member set, map keys inserted out of order, and keys that sort differently once quoted
    /// (`a` and `a!`, a key with a quote and one with a backslash), which no validated name has but the encoder
    /// must still order as the general path does.
    private var fullMetadata: ObjectMeta {
        var metadata = ObjectMeta(
            name: "data-web-0", generateName: "data-", namespace: "team-a",
            labels: ["zone": "b", "app": "web", "app.kubernetes.io/name": "web", "a": "1", "a!": "2"],
            annotations: ["pv.kubernetes.io/bind-completed": "yes", "note": "line\nbreak \"quoted\" \\ slash",
                          "k\"ey": "q", "k\\ey": "b", "k": "plain", "ünïcode": "ök"],
            finalizers: ["kubernetes.io/pvc-protection", "example.com/hold"],
            ownerReferences: [OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u-1",
                                             controller: true, blockOwnerDeletion: false),
                              OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "u-2")])
        metadata.uid = "0192f7a4-1111-7000-8000-000000000001"
        metadata.resourceVersion = "42"
        metadata.generation = 3
        metadata.creationTimestamp = Timestamp(secondsSinceEpoch: 1_764_000_000)
        metadata.deletionTimestamp = Timestamp(secondsSinceEpoch: 1_764_000_100)
        metadata.deletionGracePeriodSeconds = 0
        return metadata
    }

    @Test func persistentVolumeWithEveryFieldMatchesItsEncodableForm() throws {
        let volume = PersistentVolume(
            metadata: fullMetadata,
            spec: PersistentVolumeSpec(
                capacity: ["storage": try Quantity(parsing: "10Gi"), "ephemeral-storage": try Quantity(parsing: "1500m")],
                accessModes: ["ReadWriteOnce", "ReadOnlyMany"], persistentVolumeReclaimPolicy: "Delete",
                storageClassName: "fast", mountOptions: ["noatime", "nodiratime"], volumeMode: "Block",
                nodeAffinity: VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
                    NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "kubernetes.io/hostname", operator: "In", values: ["n1"])]),
                ])),
                claimRef: ObjectReference(kind: "PersistentVolumeClaim", namespace: "team-a", name: "data-web-0", uid: "u-3",
                                          apiVersion: "v1", resourceVersion: "41", fieldPath: "spec"),
                volumeAttributesClassName: "gold", hostPath: HostPathVolumeSource(path: "/srv/v", type: "DirectoryOrCreate"),
                local: LocalVolumeSource(path: "/mnt/disk", fsType: "ext4"),
                csi: CSIPersistentVolumeSource(driver: "loop.stowage.io", volumeHandle: "pvc-1", readOnly: true, fsType: "xfs",
                                               volumeAttributes: ["b": "2", "a": "1"])),
            status: PersistentVolumeStatus(phase: "Bound", message: "bound to \"team-a/data-web-0\"", reason: "Bound",
                                           lastPhaseTransitionTime: Timestamp(secondsSinceEpoch: 1_764_000_050)))
        try expectSameBytes(volume)
        #expect(try APICodec.decode(PersistentVolume.self, from: APICodec.encode(volume)) == volume)
    }

    @Test func claimWithEveryFieldMatchesItsEncodableForm() throws {
        let claim = PersistentVolumeClaim(
            metadata: fullMetadata,
            spec: PersistentVolumeClaimSpec(
                accessModes: ["ReadWriteOncePod"],
                selector: LabelSelector(matchLabels: ["tier": "db"], matchExpressions: [LabelSelectorRequirement(key: "zone", operator: "NotIn", values: ["c"])]),
                resources: VolumeResourceRequirements(requests: ["storage": try Quantity(parsing: "1Gi")], limits: ["storage": try Quantity(parsing: "2G")]),
                volumeName: "pv-1", storageClassName: "", volumeMode: "Filesystem",
                dataSource: TypedLocalObjectReference(apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "s1"),
                dataSourceRef: TypedObjectReference(apiGroup: "snapshot.storage.k8s.io", kind: "VolumeSnapshot", name: "s1", namespace: "team-b"),
                volumeAttributesClassName: "gold"),
            status: PersistentVolumeClaimStatus(
                phase: "Bound", accessModes: ["ReadWriteOncePod"], capacity: ["storage": try Quantity(parsing: "1Gi")],
                conditions: [
                    PersistentVolumeClaimCondition(type: "Resizing", status: "True", lastProbeTime: Timestamp(secondsSinceEpoch: 1),
                                                   lastTransitionTime: Timestamp(secondsSinceEpoch: 2), reason: "R", message: "m"),
                    PersistentVolumeClaimCondition(type: "FileSystemResizePending", status: "False"),
                ],
                allocatedResources: ["storage": try Quantity(parsing: "2Gi")],
                allocatedResourceStatuses: ["storage": "ControllerResizeInProgress"],
                currentVolumeAttributesClassName: "silver",
                modifyVolumeStatus: ModifyVolumeStatus(targetVolumeAttributesClassName: "gold", status: "InProgress")))
        try expectSameBytes(claim)
        #expect(try APICodec.decode(PersistentVolumeClaim.self, from: APICodec.encode(claim)) == claim)
    }

    @Test func sparseAndEmptyObjectsMatchTheirEncodableForms() throws {
        // Nothing set but a name; empty (present) collections and objects; a bare spec.
        try expectSameBytes(PersistentVolume(metadata: ObjectMeta(name: "pv")))
        try expectSameBytes(PersistentVolume(metadata: ObjectMeta(), spec: PersistentVolumeSpec(), status: PersistentVolumeStatus()))
        try expectSameBytes(PersistentVolumeClaim(
            metadata: ObjectMeta(name: "c", labels: [:], annotations: [:], finalizers: [], ownerReferences: []),
            spec: PersistentVolumeClaimSpec(accessModes: [], resources: VolumeResourceRequirements(requests: [:])),
            status: PersistentVolumeClaimStatus(conditions: [])))
        // The shapes the binder writes a hundred thousand times.
        try expectSameBytes(PersistentVolume(name: "pv-1", capacity: try Quantity(parsing: "1Gi"), storageClassName: "",
                                             hostPath: HostPathVolumeSource(path: "/srv/pv-1"),
                                             claimRef: ObjectReference(kind: "PersistentVolumeClaim", namespace: "default", name: "pvc-1")))
        try expectSameBytes(PersistentVolumeClaim(name: "pvc-1", request: try Quantity(parsing: "1Gi"), storageClassName: "", volumeName: "pv-1"))
    }

    @Test func aDirectWriterNestedInAnEncodableValueKeepsItsPlace() throws {
        // A StatefulSet's claim templates are claims inside a plain `Encodable` value; a list holds objects too.
        struct Holder: Encodable {
            var before = "x"
            var claims: [PersistentVolumeClaim]
            var meta: ObjectMeta?
            var zafter = 1
        }
        let claim = PersistentVolumeClaim(name: "data", request: try Quantity(parsing: "1Gi"))
        try expectSameBytes(Holder(claims: [claim, claim], meta: fullMetadata))
        let text = String(decoding: try direct.encode(Holder(claims: [claim], meta: nil)), as: UTF8.self)
        #expect(text.hasPrefix(#"{"before":"x","claims":[{"metadata":{"name":"data","namespace":"default"},"spec":{"#))
        #expect(text.hasSuffix(#"}}],"zafter":1}"#))
    }
}
