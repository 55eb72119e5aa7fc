import StowageAPI
import StowageClient

extension Binder {
    /// A volume's phase follows its claim: no claimRef → Available; a claimRef to a claim that is gone (another uid,
    /// or none) → Released, for the reclaimer; bound both ways → Bound. A volume the controller bound to a claim
    /// that ended up bound elsewhere (a lost race) is freed again.
    func syncVolume(_ volume: PersistentVolume) async throws -> ReconcileResult {
        let name = volume.metadata.name ?? ""
        guard let ref = volume.spec?.claimRef, let claimName = ref.name, !claimName.isEmpty else {
            if volume.status?.phase != PersistentVolumePhase.available, volume.status?.phase != PersistentVolumePhase.failed,
               !volume.metadata.isBeingDeleted {
                try await setPhase(volume, PersistentVolumePhase.available)
            }
            return .done
        }
        let claimKey = ObjectKey(namespace: ref.namespace ?? "default", name: claimName)
        var claim = informers.claims.get(claimKey)
        if claim == nil || (ref.uid.map { !$0.isEmpty && $0 != claim?.metadata.uid } ?? false) {
            // The cache may not have a claim created a moment ago: ask the API before calling the volume Released.
            claim = try await cluster.getIfPresent(PersistentVolumeClaim.self, claimKey)
        }
        let refUID = ref.uid ?? ""
        guard let claim, refUID.isEmpty || claim.metadata.uid == refUID else {
            if refUID.isEmpty {
                // Pre-bound by an admin to a claim that does not exist yet: it waits for that claim only.
                if volume.status?.phase != PersistentVolumePhase.available, !volume.metadata.isBeingDeleted {
                    try await setPhase(volume, PersistentVolumePhase.available)
                }
            } else if volume.status?.phase != PersistentVolumePhase.released, volume.status?.phase != PersistentVolumePhase.failed {
                try await setPhase(volume, PersistentVolumePhase.released)
            }
            return .done
        }
        let boundTo = claim.spec?.volumeName ?? ""
        if refUID.isEmpty || boundTo.isEmpty {
            // The claim side has not finished (or not started) this bind: the claim's reconcile does it.
            return .done
        }
        if boundTo == name {
            if volume.status?.phase != PersistentVolumePhase.bound { try await setPhase(volume, PersistentVolumePhase.bound) }
            return .done
        }
        if volume.metadata.annotation(StorageAnnotation.boundByController) != nil {
            // We bound this volume to a claim that is bound to another volume: undo our half.
            var freed = volume
            freed.spec?.claimRef = nil
            freed.metadata.annotations?[StorageAnnotation.boundByController] = nil
            freed = try await cluster.update(freed)
            try await setPhase(freed, PersistentVolumePhase.available)
        }
        return .done
    }

    func setPhase(_ volume: PersistentVolume, _ phase: String) async throws {
        var updated = volume
        updated.status = PersistentVolumeStatus(phase: phase, lastPhaseTransitionTime: .now())
        _ = try await cluster.updateStatus(updated)
    }
}
