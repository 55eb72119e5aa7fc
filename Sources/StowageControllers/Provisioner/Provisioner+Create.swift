import StowageAPI
import StowageCSI
import StowageClient

extension Provisioner {
    /// Creates the volume and records its PV. The claim carries the in-flight finalizer from before
    /// `CreateVolume` until the PV exists.
    func provision(_ claim: PersistentVolumeClaim, class storageClass: StorageClass, driver: RegisteredDriver,
                   volumeName: String, resumed: Bool) async throws -> ReconcileResult {
        let uid = claim.metadata.uid ?? ""
        var claim = claim
        if !resumed {
            claim.metadata.finalizers = (claim.metadata.finalizers ?? []) + [ProvisioningFinalizer.volumeInFlight]
            claim = try await cluster.update(claim)
        }
        let resumedAfterRestart = resumed && started.withLock { !$0.contains(uid) } && handOver?.wasHandedOver(uid) != true
        started.withLock { _ = $0.insert(uid) }
        events.normal(claim, reason: "Provisioning",
                      "External provisioner is provisioning volume for claim \"\(claim.metadata.namespace ?? "default")/\(claim.metadata.name ?? "")\"")
        let response: CreateVolumeResponse
        do {
            response = try await driver.client.createVolume(Self.createRequest(for: claim, class: storageClass, driver: driver, name: volumeName))
        } catch let error as CSIError {
            return try await failed(claim, class: storageClass, error: error)
        }
        guard let volume = response.volume, !volume.volumeId.isEmpty else {
            return try await failed(claim, class: storageClass, error: CSIError(.internal, "the driver answered CreateVolume without a volume id"))
        }
        let record = Self.persistentVolume(named: volumeName, for: claim, class: storageClass, driver: driver.name, volume: volume)
        try await save(record, for: claim)
        failures.withLock { _ = $0.removeValue(forKey: uid) }
        handOver?.forget(uid)
        if resumedAfterRestart {
            events.normal(claim, reason: "ProvisioningSucceeded",
                          "Successfully provisioned volume \(volumeName): finished the provisioning an earlier run started before it stopped")
        } else {
            events.normal(claim, reason: "ProvisioningSucceeded", "Successfully provisioned volume \(volumeName)")
        }
        return .done
    }

    /// Records the PV and takes the in-flight finalizer off the claim: one commit where the cluster can. When the
    /// binder runs in this process the same commit also binds the pair, exactly as the binder would (§2 rule 4);
    /// otherwise the binder, woken by the new PV, finds the claim as it will stay and binds it at the first
    /// attempt. Re-reads the claim and retries when another writer changed it meanwhile.
    private func save(_ volume: PersistentVolume, for claim: PersistentVolumeClaim) async throws {
        var attempt = 0
        while true {
            attempt += 1
            guard var fresh = try await cluster.getIfPresent(PersistentVolumeClaim.self, claim.key),
                  fresh.metadata.uid == claim.metadata.uid,
                  fresh.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight) else {
                return try await recordAlone(volume)
            }
            fresh.metadata.finalizers?.removeAll { $0 == ProvisioningFinalizer.volumeInFlight }
            var volume = volume
            if handOver != nil, (fresh.spec?.volumeName ?? "").isEmpty, !fresh.metadata.isBeingDeleted,
               VolumeMatching.mismatch(volume, for: fresh) == nil {
                // The binder runs in this process and would bind this pair the moment it sees the PV (its claimRef
                // names the claim: rule 4). Written bound here, the bind costs no commit of its own.
                (volume, fresh) = Binder.bound(volume, fresh, claimChosenByController: true)
            }
            do {
                _ = try await cluster.createAndReplace(volume, fresh)
                return
            } catch let error as APIError where error.reason == .alreadyExists {
                // Recorded by an earlier attempt whose answer we did not see (or, over HTTP, by this one before
                // its claim write raced another writer).
                try await removeInFlightFinalizer(from: claim)
                return
            } catch let error as APIError where error.reason == .conflict && attempt < 10 {
                continue
            } catch let error as APIError where error.reason == .notFound {
                // The claim went between the read and the commit (someone took the finalizer off by hand): record
                // the PV alone, so that it is Released and reclaimed rather than leaked.
                return try await recordAlone(volume)
            }
        }
    }

    /// Records the PV without touching its claim; one recorded by an earlier attempt whose answer was lost is fine.
    private func recordAlone(_ volume: PersistentVolume) async throws {
        do {
            _ = try await cluster.create(volume)
        } catch let error as APIError where error.reason == .alreadyExists {
        }
    }

    /// Answers after which the driver may still be creating the volume, or have created it (external-provisioner's
    /// "in progress" codes): the in-flight finalizer stays, so a claim deleted meanwhile has its volume looked for
    /// and deleted instead of leaked.
    static let mayStillCreate: Set<StatusCode> = [.cancelled, .deadlineExceeded, .unavailable, .resourceExhausted, .aborted]

    /// Records a failed `CreateVolume`: an event with the driver's words, then backoff, a wait for a change
    /// (INVALID_ARGUMENT), or a cleared node selection (RESOURCE_EXHAUSTED).
    private func failed(_ claim: PersistentVolumeClaim, class storageClass: StorageClass, error: CSIError) async throws -> ReconcileResult {
        let uid = claim.metadata.uid ?? ""
        if !Self.mayStillCreate.contains(error.code) {
            // A final answer: nothing was created, so a deletion of the claim may go ahead.
            try await removeInFlightFinalizer(from: claim)
        }
        events.warning(claim, reason: "ProvisioningFailed",
                       "failed to provision volume with StorageClass \"\(storageClass.metadata.name ?? "")\": rpc error: code = \(error.code.name) desc = \(error.message)")
        let count = failures.withLock { failures -> Int in
            var failure = failures[uid] ?? ProvisioningFailure(count: 0)
            failure.count += 1
            if error.code == .invalidArgument { failure.finalFor = Self.version(of: claim, storageClass) }
            failures[uid] = failure
            return failure.count
        }
        if error.code == .invalidArgument { return .done }
        if error.code == .resourceExhausted, claim.metadata.annotation(StorageAnnotation.selectedNode) != nil {
            var fresh = try await cluster.get(PersistentVolumeClaim.self, claim.key)
            fresh.metadata.annotations?[StorageAnnotation.selectedNode] = nil
            _ = try await cluster.update(fresh)
            return .done
        }
        let seconds = min(300, 1 << min(count - 1, 9))
        return .again(after: .seconds(seconds))
    }

    /// A claim deleted while its volume was in flight and never recorded: learn the volume's id from the
    /// (idempotent) `CreateVolume`, delete it, say so, and let the claim go.
    func deleteOrphan(of claim: PersistentVolumeClaim, volumeName: String) async throws -> ReconcileResult {
        let driverName = claim.metadata.annotation(StorageAnnotation.storageProvisioner) ?? ""
        guard let driver = drivers.driver(named: driverName) else {
            events.warning(claim, reason: "ProvisioningCleanupWaiting",
                           "waiting for driver \"\(driverName)\" to delete volume \(volumeName), which may have been created for this claim, before the claim can go; if the driver is gone for good, remove the finalizer \(ProvisioningFinalizer.volumeInFlight) by hand")
            return .again(after: .seconds(5))
        }
        guard let storageClass = informers.classes.get(ObjectKey(name: claim.spec?.storageClassName ?? "")) else {
            // The class is gone, so the request cannot be repeated to learn the volume's id; the built-in drivers
            // use the requested name as the id, and deleting a volume that does not exist is not an error.
            _ = try await driver.client.deleteVolume(DeleteVolumeRequest(volumeId: volumeName))
            events.normal(claim, reason: "ProvisioningCleanedUp",
                          "deleted volume \(volumeName) if it existed: the claim was deleted before its volume was recorded, and its StorageClass is gone")
            try await removeInFlightFinalizer(from: claim)
            return .done
        }
        do {
            let response = try await driver.client.createVolume(Self.createRequest(for: claim, class: storageClass, driver: driver, name: volumeName))
            if let id = response.volume?.volumeId, !id.isEmpty {
                _ = try await driver.client.deleteVolume(DeleteVolumeRequest(volumeId: id))
            }
        } catch let error as CSIError where error.code == .invalidArgument {
            // The driver refuses this request outright, so it never created a volume for it: nothing to delete.
            try await removeInFlightFinalizer(from: claim)
            return .done
        }
        events.normal(claim, reason: "ProvisioningCleanedUp",
                      "deleted volume \(volumeName): it was created for this claim, which was deleted before the volume was recorded as a PersistentVolume")
        try await removeInFlightFinalizer(from: claim)
        return .done
    }
}
