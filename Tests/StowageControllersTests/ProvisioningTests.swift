import Foundation
import StowageAPI
import StowageCSI
import StowageClient
import StowageControllers
import StowageTesting
import Testing

let isRoot = geteuid() == 0

/// §3 and §4 with the real hostpath driver: dynamic provisioning, reclaim through the driver, a driver that is
/// not running yet, and crash safety between `CreateVolume` and the PV.
@Suite("Provisioner and reclaimer with the hostpath driver", .enabled(if: isRoot, "the hostpath driver runs as root (quotas, bind mounts); CI runs as root"))
struct ProvisioningTests {
    static let hostpathClass = Manifests.storageClass("fast", provisioner: "hostpath.stowage.dev")

    static func volumeDirectory(_ cluster: TestCluster, _ name: String) -> String {
        "\(cluster.driverDirectory(.hostpath))/state/volumes/hostpath/\(name)"
    }

    @Test("a claim of a hostpath class gets pvc-<uid>, a real directory, built as the spec says; deleting the claim removes both")
    func provisionAndDelete() async throws {
        try await withCluster(drivers: [.hostpath]) { cluster in
            try await cluster.apply(Self.hostpathClass)
            try await cluster.apply(Manifests.claim("data", size: "64Mi", storageClass: .some("fast")))
            let volumeName = try await cluster.boundVolume(of: "data")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            #expect(volumeName == "pvc-\(claim.metadata.uid ?? "")")
            // Bound as the binder binds: annotations, phase, capacity and access modes from the volume.
            #expect(claim.metadata.annotation(StorageAnnotation.bindCompleted) == "yes")
            #expect(claim.metadata.annotation(StorageAnnotation.boundByController) == "yes")
            #expect(claim.status?.accessModes == ["ReadWriteOnce"])
            #expect(claim.status?.capacity?[StorageResourceName.storage].map { $0 >= .mebibytes(64) } == true)
            let volume = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: volumeName))
            #expect(volume.spec?.csi?.driver == "hostpath.stowage.dev")
            #expect(volume.spec?.persistentVolumeReclaimPolicy == "Delete")
            #expect(volume.spec?.storageClassName == "fast")
            #expect(volume.storageCapacity.map { $0 >= .mebibytes(64) } == true)
            #expect(volume.metadata.annotation(StorageAnnotation.provisionedBy) == "hostpath.stowage.dev")
            #expect(volume.metadata.hasFinalizer(ProvisioningFinalizer.deleteStorage))
            let affinity = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms?.first?.matchExpressions?.first
            #expect(affinity?.key == "topology.stowage.dev/node" && affinity?.values == ["test-node"])
            // The in-flight finalizer goes in the commit that records the PV, which may be seen just before the bind.
            try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") {
                !$0.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight)
            }
            let directory = Self.volumeDirectory(cluster, volume.spec?.csi?.volumeHandle ?? "")
            #expect(FileManager.default.fileExists(atPath: directory), "the driver made \(directory)")
            let succeeded = try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ProvisioningSucceeded")
            #expect(succeeded.message == "Successfully provisioned volume \(volumeName)")

            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitForDeletion(PersistentVolume.self, volumeName)
            #expect(!FileManager.default.fileExists(atPath: directory), "Delete removed the directory")
        }
    }

    @Test("deleting the PV before its claim still deletes the storage once the claim goes")
    func volumeDeletedBeforeClaim() async throws {
        try await withCluster(drivers: [.hostpath]) { cluster in
            try await cluster.apply(Self.hostpathClass)
            try await cluster.apply(Manifests.claim("data", size: "16Mi", storageClass: .some("fast")))
            let volumeName = try await cluster.boundVolume(of: "data")
            let directory = Self.volumeDirectory(cluster, volumeName)
            try await cluster.cluster.delete(PersistentVolume.self, ObjectKey(name: volumeName))
            let terminating = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: volumeName))
            #expect(terminating.metadata.isBeingDeleted, "a bound PV waits for its claim")
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitForDeletion(PersistentVolume.self, volumeName)
            #expect(!FileManager.default.fileExists(atPath: directory))
        }
    }

    @Test("a class whose driver is not running: Pending with an event naming the driver, bound soon after it appears")
    func driverAppearsLater() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Self.hostpathClass)
            try await cluster.apply(Manifests.claim("data", size: "16Mi", storageClass: .some("fast")))
            try await cluster.expectPending("data", reason: "ExternalProvisioning", containing: "\"hostpath.stowage.dev\"")
            let started = ContinuousClock.now
            try await cluster.startDriver(.hostpath)
            _ = try await cluster.boundVolume(of: "data")
            let elapsed = ContinuousClock.now - started
            // Not a timing assertion: the directory scan runs every 200 ms; this says "noticed, not by a 1 s+ retry".
            #expect(elapsed < .seconds(10), "bound \(elapsed) after the driver started")
        }
    }

    @Test("INVALID_ARGUMENT from the driver is reported and not retried until the claim changes")
    func invalidArgumentIsFinal() async throws {
        try await withCluster(drivers: [.hostpath]) { cluster in
            try await cluster.apply(Manifests.storageClass("odd", provisioner: "hostpath.stowage.dev"))
            // hostpath refuses a ReadOnlyMany volume nobody can write? It refuses block access: volumeMode Block.
            try await cluster.apply(Manifests.claim("data", size: "16Mi", storageClass: .some("odd"), volumeMode: "Block"))
            let event = try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ProvisioningFailed")
            #expect(event.message?.contains("INVALID_ARGUMENT") == true, "\(event.message ?? "")")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            #expect(claim.status?.phase == PersistentVolumeClaimPhase.pending)
            #expect(!claim.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight), "nothing in flight after a refusal (removed before the event)")
            // Deleting the claim is not blocked by the provisioner.
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/data")
        }
    }

    @Test("without a binder in the process the provisioner records the PV pre-bound and leaves the bind to the binder")
    func provisionerAloneLeavesTheBindToTheBinder() async throws {
        try await withCluster(controllers: "", drivers: [.hostpath]) { cluster in
            try await cluster.apply(Self.hostpathClass)
            try await cluster.startControllers("*,-binder")
            _ = try await cluster.apply(Manifests.claim("data", size: "16Mi", storageClass: .some("fast")))
            // What a binder elsewhere would write to hand the claim over.
            var claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            claim.metadata.annotations = [StorageAnnotation.storageProvisioner: "hostpath.stowage.dev"]
            claim = try await cluster.cluster.update(claim)
            let name = "pvc-\(claim.metadata.uid ?? "")"
            let volume = try await cluster.waitFor(PersistentVolume.self, name) { _ in true }
            #expect(volume.spec?.claimRef?.uid == claim.metadata.uid, "pre-bound to the claim")
            #expect(volume.status?.phase != PersistentVolumePhase.bound)
            let unbound = try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") {
                !$0.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight)
            }
            #expect((unbound.spec?.volumeName ?? "").isEmpty, "no bind without the binder")

            await cluster.stopControllers()
            try await cluster.startControllers("*")
            #expect(try await cluster.boundVolume(of: "data") == name)
            #expect(try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: name)).status?.phase == PersistentVolumePhase.bound)
        }
    }

    @Test("crash between CreateVolume and the PV, claim deleted while its driver is down: the claim waits, says why, and goes once the driver is back")
    func orphanCleanupWaitsForItsDriver() async throws {
        try await withCluster(controllers: "", drivers: [.hostpath]) { cluster in
            let (_, name) = try await Self.crashAfterCreateVolume(cluster)
            await cluster.stopDriver(.hostpath)
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.startControllers("*")
            let waiting = try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ProvisioningCleanupWaiting")
            #expect(waiting.message == "waiting for driver \"hostpath.stowage.dev\" to delete volume \(name), which may have been created for this claim, before the claim can go; if the driver is gone for good, remove the finalizer \(ProvisioningFinalizer.volumeInFlight) by hand")
            #expect(try await cluster.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey("default/data")) != nil, "kept while its volume may exist")

            try await cluster.startDriver(.hostpath)
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/data")
            #expect(!FileManager.default.fileExists(atPath: Self.volumeDirectory(cluster, name)), "no orphan directory")
        }
    }

    @Test("controllers started on a backlog bind a claim to a matching volume instead of provisioning one (caches synced first)")
    func backlogBindsToExistingVolumesFirst() async throws {
        try await withCluster(controllers: "", drivers: [.hostpath]) { cluster in
            try await cluster.apply(Self.hostpathClass)
            // Enough volumes that listing them takes longer than listing the one claim.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in 0..<8 {
                    group.addTask {
                        for index in stride(from: batch, to: 1_500, by: 8) {
                            _ = try await cluster.cluster.create(PersistentVolume(
                                name: "backlog-\(index)", capacity: .gibibytes(1), storageClassName: "fast",
                                hostPath: HostPathVolumeSource(path: "/tmp/stowage-test-pv/backlog-\(index)")))
                        }
                    }
                }
                try await group.waitForAll()
            }
            // The binder makes them Available (only Available volumes are matched, as in Kubernetes), then stops.
            try await cluster.startControllers("binder")
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while try await cluster.cluster.listAll(PersistentVolume.self).contains(where: { $0.status?.phase != PersistentVolumePhase.available }) {
                guard ContinuousClock.now < deadline else { Issue.record("the volumes never became Available"); return }
                try await Task.sleep(for: .milliseconds(20))
            }
            await cluster.stopControllers()
            _ = try await cluster.cluster.create(PersistentVolumeClaim(name: "data", request: .gibibytes(1), storageClassName: "fast"))
            try await cluster.startControllers("*")

            #expect(try await cluster.boundVolume(of: "data").hasPrefix("backlog-"))
            let provisioned = try await cluster.cluster.listAll(PersistentVolume.self).filter { $0.metadata.name?.hasPrefix("pvc-") == true }
            #expect(provisioned.isEmpty, "nothing provisioned while a matching volume existed")
            let reasons = try await cluster.events(about: PersistentVolumeClaim.self, "default/data").compactMap(\.reason)
            #expect(!reasons.contains("ExternalProvisioning") && !reasons.contains("Provisioning"), "\(reasons)")
        }
    }

    /// The state a `kill -9` between `CreateVolume` and saving the PV leaves: the volume exists in the driver, the
    /// claim carries the in-flight finalizer, and there is no PV.
    static func crashAfterCreateVolume(_ cluster: TestCluster) async throws -> (claim: PersistentVolumeClaim, volume: String) {
        // The binder hands the claim over; the provisioner, which would finish the job, is not running.
        try await cluster.startControllers("*,-provisioner")
        let result: Result<(claim: PersistentVolumeClaim, volume: String), any Error>
        do {
            result = .success(try await createVolumeWithoutPV(cluster))
        } catch {
            result = .failure(error)
        }
        await cluster.stopControllers()
        return try result.get()
    }

    private static func createVolumeWithoutPV(_ cluster: TestCluster) async throws -> (claim: PersistentVolumeClaim, volume: String) {
        try await cluster.apply(hostpathClass)
        try await cluster.apply(Manifests.claim("data", size: "16Mi", storageClass: .some("fast")))
        var claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") {
            $0.metadata.annotation(StorageAnnotation.storageProvisioner) == "hostpath.stowage.dev"
        }
        claim.metadata.finalizers = (claim.metadata.finalizers ?? []) + [ProvisioningFinalizer.volumeInFlight]
        claim = try await cluster.cluster.update(claim)
        let name = "pvc-\(claim.metadata.uid ?? "")"
        let client = try DriverClient(endpoint: "unix://\(cluster.pluginsDirectory)/hostpath.sock")
        defer { client.close() }
        _ = try await client.createVolume(CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: 16 << 20),
            volumeCapabilities: [VolumeCapability(accessType: .mount(.init()), accessMode: .init(mode: .singleNodeWriter))]))
        return (claim, name)
    }

    @Test("crash between CreateVolume and the PV, claim still there: the restarted provisioner records the same volume once")
    func crashThenFinish() async throws {
        try await withCluster(controllers: "", drivers: [.hostpath]) { cluster in
            let (_, name) = try await Self.crashAfterCreateVolume(cluster)
            try await cluster.startControllers("*")
            #expect(try await cluster.boundVolume(of: "data") == name)
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ProvisioningSucceeded",
                                           containing: "earlier run")
            let directories = try FileManager.default.contentsOfDirectory(atPath: "\(cluster.driverDirectory(.hostpath))/state/volumes/hostpath")
            #expect(directories.filter { $0.hasPrefix("pvc-") } == [name], "one volume, not two")
            let volumes = try await cluster.cluster.listAll(PersistentVolume.self)
            #expect(volumes.map { $0.metadata.name ?? "" } == [name])
        }
    }

    /// With the class gone too, the request cannot be repeated to learn the volume's id: it is deleted by name.
    @Test("crash between CreateVolume and the PV, claim deleted meanwhile: the orphan is deleted and the event says so",
          arguments: [false, true])
    func crashThenOrphan(classDeletedToo: Bool) async throws {
        try await withCluster(controllers: "", drivers: [.hostpath]) { cluster in
            let (_, name) = try await Self.crashAfterCreateVolume(cluster)
            #expect(FileManager.default.fileExists(atPath: Self.volumeDirectory(cluster, name)))
            if classDeletedToo { _ = try await cluster.cluster.delete(StorageClass.self, ObjectKey(name: "fast")) }
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.startControllers("*")
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ProvisioningCleanedUp",
                                           containing: classDeletedToo ? "StorageClass is gone" : "deleted volume \(name)")
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/data")
            #expect(!FileManager.default.fileExists(atPath: Self.volumeDirectory(cluster, name)), "no orphan directory")
            #expect(try await cluster.cluster.listAll(PersistentVolume.self).isEmpty, "no PV")
        }
    }
}
