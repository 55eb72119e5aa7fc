import StowageAPI
import StowageClient

extension Binder {
    /// Binds in Kubernetes' order (§2), each step its own optimistic write and each skipped when already done, so
    /// a bind interrupted at any step is finished by the next reconcile: the volume's `claimRef` (with uid), the
    /// volume's phase `Bound`, the claim's `volumeName` and annotations, the claim's status.
    /// - Parameter claimChosenByController: the controller chose the volume (not the user through
    ///   `spec.volumeName`); marks the claim `bound-by-controller`.
    /// - Throws: ``APIError`` Conflict when either object changed meanwhile (the queue retries on fresh state).
    func bind(_ cached: PersistentVolumeClaim, to cachedVolume: PersistentVolume, claimChosenByController: Bool) async throws {
        let volumeName = cachedVolume.metadata.name ?? ""
        var claim = cached
        var volume = cachedVolume
        let volumeNeedsClaimRef = volume.spec?.claimRef?.uid != claim.metadata.uid
            || !VolumeMatching.reference(volume.spec?.claimRef, names: claim)
        if volumeNeedsClaimRef {
            // About to take a volume: the cache may lag our own last write, so read the claim itself, and never
            // bind a claim that is already bound elsewhere a second time.
            claim = try await cluster.get(PersistentVolumeClaim.self, cached.key)
            if let current = claim.spec?.volumeName, !current.isEmpty, current != volumeName { return }
            guard claim.metadata.uid == cached.metadata.uid, !claim.metadata.isBeingDeleted else { return }
        }
        if volumeNeedsClaimRef {
            volume.spec?.claimRef = ObjectReference(
                kind: PersistentVolumeClaim.resource.kind, namespace: claim.metadata.namespace, name: claim.metadata.name,
                uid: claim.metadata.uid, apiVersion: PersistentVolumeClaim.resource.apiVersion,
                resourceVersion: claim.metadata.resourceVersion)
            if cachedVolume.spec?.claimRef == nil {
                volume.metadata.annotations = (volume.metadata.annotations ?? [:]).merging([StorageAnnotation.boundByController: "yes"]) { $1 }
            }
            volume = wrote(try await cluster.update(volume))
        }
        if volume.status?.phase != PersistentVolumePhase.bound {
            volume.status = PersistentVolumeStatus(phase: PersistentVolumePhase.bound, lastPhaseTransitionTime: .now())
            volume = wrote(try await cluster.updateStatus(volume))
        }

        var bound = claim
        bound.spec?.volumeName = volumeName
        var annotations = bound.metadata.annotations ?? [:]
        annotations[StorageAnnotation.bindCompleted] = "yes"
        if claimChosenByController { annotations[StorageAnnotation.boundByController] = "yes" }
        bound.metadata.annotations = annotations
        if bound != claim { bound = wrote(try await cluster.update(bound)) }

        var status = bound.status ?? PersistentVolumeClaimStatus()
        status.phase = PersistentVolumeClaimPhase.bound
        status.accessModes = volume.spec?.accessModes
        if status.capacity?[StorageResourceName.storage] == nil || bound.status?.phase != PersistentVolumeClaimPhase.bound {
            status.capacity = volume.spec?.capacity
        }
        if status != bound.status {
            bound.status = status
            _ = wrote(try await cluster.updateStatus(bound))
        }
    }
}
