import StowageAPI
import StowageClient
import StowageControllers
import StowageTesting
import Testing

/// §2 and §4: phases over a claim's life, Lost and misbound claims, reclaim policies, protection, the default
/// class appearing late, and WaitForFirstConsumer.
@Suite("Binder, reclaimer and protection: lifecycle")
struct LifecycleTests {
    @Test("a volume whose claim is deleted becomes Released and, with Retain, stays with its stale claimRef")
    func retainKeepsReleasedVolume() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("keep", reclaim: "Retain"))
            try await cluster.apply(Manifests.claim("data"))
            #expect(try await cluster.boundVolume(of: "data") == "keep")
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/data")
            let released = try await cluster.waitFor(PersistentVolume.self, "keep") { $0.status?.phase == PersistentVolumePhase.released }
            #expect(released.spec?.claimRef?.name == "data", "Retain keeps the stale claimRef")
            // A new claim does not get the released volume.
            try await cluster.apply(Manifests.claim("again"))
            try await cluster.expectPending("again", reason: "FailedBinding")
        }
    }

    @Test("Delete on a volume no driver owns fails visibly and deletes nothing")
    func deleteWithoutDriverFails() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("static", reclaim: "Delete"))
            try await cluster.apply(Manifests.claim("data"))
            _ = try await cluster.boundVolume(of: "data")
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitFor(PersistentVolume.self, "static") { $0.status?.phase == PersistentVolumePhase.failed }
            try await cluster.waitForEvent(about: PersistentVolume.self, "static", reason: "VolumeFailedDelete")
        }
    }

    @Test("a bound claim whose volume disappears is Lost, with a ClaimLost event, and is not rebound")
    func lostClaim() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("gone"))
            try await cluster.apply(Manifests.volume("spare", size: "2Gi"))
            try await cluster.apply(Manifests.claim("data"))
            #expect(try await cluster.boundVolume(of: "data") == "gone")
            // pv-protection holds a Bound volume; an admin forcing it away is how a volume is lost.
            try await cluster.cluster.delete(PersistentVolume.self, ObjectKey(name: "gone"))
            var forced = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: "gone"))
            #expect(forced.metadata.hasFinalizer(Admission.pvProtectionFinalizer), "a bound volume keeps pv-protection")
            forced.metadata.finalizers = []
            _ = try await cluster.cluster.update(forced)
            try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") { $0.status?.phase == PersistentVolumeClaimPhase.lost }
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ClaimLost")
            let spare = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: "spare"))
            #expect(spare.spec?.claimRef == nil, "a Lost claim is never silently rebound")
        }
    }

    @Test("a claim bound to a volume that names another claim is misbound: Lost with ClaimMisbound")
    func misboundClaim() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("shared", claimRef: ("default", "owner")))
            try await cluster.apply(Manifests.claim("owner"))
            #expect(try await cluster.boundVolume(of: "owner") == "shared")
            try await cluster.apply(Manifests.claim("intruder", volumeName: "shared"))
            var intruder = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/intruder"))
            intruder.metadata.annotations = [StorageAnnotation.bindCompleted: "yes"]
            _ = try await cluster.cluster.update(intruder)
            try await cluster.waitFor(PersistentVolumeClaim.self, "default/intruder") { $0.status?.phase == PersistentVolumeClaimPhase.lost }
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/intruder", reason: "ClaimMisbound")
            let owner = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/owner"))
            #expect(owner.isBound && owner.spec?.volumeName == "shared")
        }
    }

    @Test("a claim used by a placed pod stays until the pod is gone; an unplaced pod does not hold it")
    func claimProtection() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("pv1"))
            try await cluster.apply(Manifests.claim("data"))
            _ = try await cluster.boundVolume(of: "data")
            try await cluster.apply(Manifests.pod("user", claims: ["data"], node: "test-node"))
            try await cluster.apply(Manifests.pod("unplaced", claims: ["data"], node: nil))
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            let event = try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ClaimInUse")
            #expect(event.message?.contains("user") == true)
            #expect(event.message?.contains("unplaced") == false)
            let held = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            #expect(held.metadata.isBeingDeleted && held.metadata.hasFinalizer(Admission.pvcProtectionFinalizer))
            try await cluster.cluster.delete(Pod.self, ObjectKey("default/user"))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/data")
            try await cluster.waitFor(PersistentVolume.self, "pv1") { $0.status?.phase == PersistentVolumePhase.released }
        }
    }

    @Test("a default class created after the claim is assigned to it, and the claim then binds")
    func defaultClassAppearsLater() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("std-vol", storageClass: "standard"))
            try await cluster.apply(Manifests.claim("data"))
            try await cluster.expectPending("data", reason: "FailedBinding")
            try await cluster.apply(Manifests.storageClass("standard", isDefault: true))
            #expect(try await cluster.boundVolume(of: "data") == "std-vol")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            #expect(claim.spec?.storageClassName == "standard")
        }
    }

    @Test("WaitForFirstConsumer: Pending with its event until a pod using the claim is placed, then bound on that node")
    func waitForFirstConsumer() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.storageClass("local", bindingMode: "WaitForFirstConsumer"))
            try await cluster.apply(Manifests.volume("local-pv", storageClass: "local"))
            try await cluster.apply(Manifests.claim("data", storageClass: .some("local")))
            try await cluster.expectPending("data", reason: "WaitForFirstConsumer", containing: "waiting for first consumer to be created before binding")
            try await cluster.apply(Manifests.pod("consumer", claims: ["data"], node: "test-node"))
            #expect(try await cluster.boundVolume(of: "data") == "local-pv")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            #expect(claim.metadata.annotation(StorageAnnotation.selectedNode) == "test-node")
        }
    }

    @Test("a volume pre-bound by an admin to a claim that comes later waits for that claim only")
    func volumeWaitsForItsClaim() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.volume("reserved", claimRef: ("default", "later")))
            try await cluster.waitFor(PersistentVolume.self, "reserved") { $0.status?.phase == PersistentVolumePhase.available }
            try await cluster.apply(Manifests.claim("early"))
            try await cluster.expectPending("early", reason: "FailedBinding")
            try await cluster.apply(Manifests.claim("later"))
            #expect(try await cluster.boundVolume(of: "later") == "reserved")
            let volume = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: "reserved"))
            #expect(volume.metadata.annotation(StorageAnnotation.boundByController) == nil, "a user's reservation is not the controller's choice")
        }
    }
}
