import StowageAPI
import StowageClient
import StowageTesting
import Testing

/// `spec/kubernetes-semantics.md` §1, one row per rule: the volumes that exist, the claim, and the volume it must
/// end up bound to — or the event that explains why it stays Pending.
@Suite("Binder: matching rules (§1)")
struct MatchingRulesTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let rule: String
        var classes: [String] = []
        let volumes: [String]
        let claim: String
        var boundTo: String?
        var pendingReason: String?
        var pendingMessage: String?
        var testDescription: String { rule }
    }

    static let cases: [Case] = [
        Case(rule: "1.5 class absent with no default binds only a volume without class",
             volumes: [Manifests.volume("classed", storageClass: "gold"), Manifests.volume("plain")],
             claim: Manifests.claim("data"), boundTo: "plain"),
        Case(rule: "1.5 class \"\" matches only volumes without class and is never provisioned",
             classes: [Manifests.storageClass("gold", provisioner: "hostpath.stowage.dev", isDefault: true)],
             volumes: [Manifests.volume("classed", storageClass: "gold")],
             claim: Manifests.claim("data", storageClass: .some("")),
             pendingReason: "FailedBinding", pendingMessage: "no persistent volumes available for this claim and no storage class is set"),
        Case(rule: "1.5 a class that does not exist leaves the claim Pending and says so",
             volumes: [Manifests.volume("plain")],
             claim: Manifests.claim("data", storageClass: .some("missing")),
             pendingReason: "ProvisioningFailed", pendingMessage: "storageclass.storage.k8s.io \"missing\" not found"),
        Case(rule: "1.5 same class exactly",
             volumes: [Manifests.volume("silver", storageClass: "silver"), Manifests.volume("gold", size: "5Gi", storageClass: "gold")],
             claim: Manifests.claim("data", storageClass: .some("gold")), boundTo: "gold"),
        Case(rule: "1.5 selector: only labelled volumes qualify",
             volumes: [Manifests.volume("fast", size: "2Gi", labels: ["tier": "fast"]), Manifests.volume("slow", labels: ["tier": "slow"])],
             claim: Manifests.claim("data", selector: ["tier": "fast"]), boundTo: "fast"),
        Case(rule: "1.2 capacity: a smaller volume never qualifies",
             volumes: [Manifests.volume("small", size: "512Mi")],
             claim: Manifests.claim("data", size: "1Gi"),
             pendingReason: "FailedBinding", pendingMessage: "no persistent volumes available"),
        Case(rule: "1.6 smallest fit wins",
             volumes: [Manifests.volume("v5g", size: "5Gi"), Manifests.volume("v2g", size: "2Gi"), Manifests.volume("v1g", size: "1Gi")],
             claim: Manifests.claim("data", size: "1500Mi"), boundTo: "v2g"),
        Case(rule: "1.6 fewest access modes win over smaller capacity",
             volumes: [Manifests.volume("many", size: "1Gi", modes: ["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"]),
                       Manifests.volume("one", size: "4Gi", modes: ["ReadWriteOnce"])],
             claim: Manifests.claim("data"), boundTo: "one"),
        Case(rule: "1.6 the claim's modes must be a subset of the volume's",
             volumes: [Manifests.volume("rwo", modes: ["ReadWriteOnce"]), Manifests.volume("rwx", size: "3Gi", modes: ["ReadWriteMany"])],
             claim: Manifests.claim("data", modes: ["ReadWriteMany"]), boundTo: "rwx"),
        Case(rule: "1.3 volumeMode Block matches only Block volumes",
             volumes: [Manifests.volume("fs"), Manifests.volume("raw", size: "2Gi", volumeMode: "Block")],
             claim: Manifests.claim("data", volumeMode: "Block"), boundTo: "raw"),
        Case(rule: "1.4 a volume whose claimRef names the claim wins over a better free one",
             volumes: [Manifests.volume("free", size: "1Gi"),
                       Manifests.volume("reserved", size: "8Gi", modes: ["ReadWriteOnce", "ReadWriteMany"], claimRef: ("default", "data"))],
             claim: Manifests.claim("data"), boundTo: "reserved"),
        Case(rule: "1.4 a volume reserved for another claim is never taken",
             volumes: [Manifests.volume("theirs", claimRef: ("default", "other"))],
             claim: Manifests.claim("data"),
             pendingReason: "FailedBinding", pendingMessage: "no persistent volumes available"),
        Case(rule: "pre-binding from the claim: spec.volumeName is bound when it fits (selector not checked)",
             volumes: [Manifests.volume("chosen", size: "3Gi", labels: ["tier": "slow"]), Manifests.volume("other")],
             claim: Manifests.claim("data", volumeName: "chosen", selector: ["tier": "fast"]), boundTo: "chosen"),
        Case(rule: "pre-binding: too small",
             volumes: [Manifests.volume("chosen", size: "512Mi")],
             claim: Manifests.claim("data", volumeName: "chosen"),
             pendingReason: "VolumeMismatch", pendingMessage: "requested PV is too small"),
        Case(rule: "pre-binding: other class",
             volumes: [Manifests.volume("chosen", storageClass: "gold")],
             claim: Manifests.claim("data", storageClass: .some("silver"), volumeName: "chosen"),
             pendingReason: "VolumeMismatch", pendingMessage: "storageClassName does not match"),
        Case(rule: "pre-binding: access modes",
             volumes: [Manifests.volume("chosen", modes: ["ReadWriteOnce"])],
             claim: Manifests.claim("data", modes: ["ReadWriteMany"], volumeName: "chosen"),
             pendingReason: "VolumeMismatch", pendingMessage: "incompatible accessMode"),
        Case(rule: "pre-binding: volumeMode",
             volumes: [Manifests.volume("chosen", volumeMode: "Block")],
             claim: Manifests.claim("data", volumeName: "chosen"),
             pendingReason: "VolumeMismatch", pendingMessage: "incompatible volumeMode"),
        Case(rule: "pre-binding: the volume is bound to a different claim",
             volumes: [Manifests.volume("chosen", claimRef: ("default", "other"))],
             claim: Manifests.claim("data", volumeName: "chosen"),
             pendingReason: "FailedBinding", pendingMessage: "already bound to a different claim"),
    ]

    @Test(arguments: cases)
    func rule(_ row: Case) async throws {
        try await withCluster(controllers: "binder,protection") { cluster in
            for manifest in row.classes + row.volumes { try await cluster.apply(manifest) }
            try await cluster.apply(row.claim)
            if let expected = row.boundTo {
                let volume = try await cluster.boundVolume(of: "data")
                #expect(volume == expected, "\(row.rule)")
                let bound = try await cluster.waitFor(PersistentVolume.self, expected) { $0.status?.phase == PersistentVolumePhase.bound }
                #expect(bound.spec?.claimRef?.name == "data")
                let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
                #expect(bound.spec?.claimRef?.uid == claim.metadata.uid)
                #expect(claim.metadata.annotation(StorageAnnotation.bindCompleted) == "yes")
                #expect(claim.status?.capacity?["storage"] == bound.spec?.capacity?["storage"])
                #expect(claim.status?.accessModes == bound.spec?.accessModes)
            } else if let reason = row.pendingReason {
                try await cluster.expectPending("data", reason: reason, containing: row.pendingMessage)
            }
        }
    }
}
