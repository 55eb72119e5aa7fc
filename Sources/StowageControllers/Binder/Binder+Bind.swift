import StowageAPI
import StowageClient

extension Binder {
    /// Binds in Kubernetes' order (§2): the volume's `claimRef` (with uid) and phase `Bound`, then the claim's
    /// `volumeName`, annotations and status. The cluster writes the pair in one transaction where it can (the
    /// store, in process), else as separate optimistic writes; every step already done is left alone, so a bind
    /// left half-done (by hand, by a crash, or over HTTP) is finished by the next reconcile.
    /// - Parameter claimChosenByController: the controller chose the volume (not the user through
    ///   `spec.volumeName`); marks the claim `bound-by-controller`.
    /// - Throws: ``APIError`` Conflict when either object changed meanwhile (the queue retries on fresh state).
    func bind(_ cached: PersistentVolumeClaim, to cachedVolume: PersistentVolume, claimChosenByController: Bool) async throws {
        let volumeName = cachedVolume.metadata.name ?? ""
        var claim = cached
        var volume = cachedVolume
        if volume.spec?.claimRef?.uid != claim.metadata.uid || !VolumeMatching.reference(volume.spec?.claimRef, names: claim) {
            // About to take a volume. When the pair is written in one transaction, the claim's compare-and-swap
            // guards it: a cached claim that is stale (bound elsewhere meanwhile) makes the whole bind a Conflict.
            // Written step by step, the volume would be taken before the claim is checked, so read the claim
            // itself first, and never bind a claim that is already bound elsewhere a second time.
            if !cluster.replacesTogetherAtomically {
                claim = try await cluster.get(PersistentVolumeClaim.self, cached.key)
            }
            if let current = claim.spec?.volumeName, !current.isEmpty, current != volumeName { return }
            guard claim.metadata.uid == cached.metadata.uid, !claim.metadata.isBeingDeleted else { return }
            volume.spec?.claimRef = ObjectReference(
                kind: PersistentVolumeClaim.resource.kind, namespace: claim.metadata.namespace, name: claim.metadata.name,
                uid: claim.metadata.uid, apiVersion: PersistentVolumeClaim.resource.apiVersion,
                resourceVersion: claim.metadata.resourceVersion)
            if cachedVolume.spec?.claimRef == nil {
                volume.metadata.annotations = (volume.metadata.annotations ?? [:]).merging([StorageAnnotation.boundByController: "yes"]) { $1 }
            }
        }
        let bound: PersistentVolumeClaim
        (volume, bound) = Self.bound(volume, claim, claimChosenByController: claimChosenByController)
        guard volume != cachedVolume || bound != claim else { return }
        let (writtenVolume, writtenClaim) = try await cluster.replaceTogether(volume, bound)
        wrote(writtenVolume)
        wrote(writtenClaim)
    }

    /// The pair as a bind leaves it, for a volume whose `claimRef` already names the claim: the volume's phase
    /// Bound; the claim's `volumeName`, its `bind-completed` (and, when the controller chose the volume,
    /// `bound-by-controller`) annotation, and its status (phase, access modes, capacity). Pure: nothing is written.
    static func bound(_ volume: PersistentVolume, _ claim: PersistentVolumeClaim,
                      claimChosenByController: Bool) -> (PersistentVolume, PersistentVolumeClaim) {
        var volume = volume
        if volume.status?.phase != PersistentVolumePhase.bound {
            volume.status = PersistentVolumeStatus(phase: PersistentVolumePhase.bound, lastPhaseTransitionTime: .now())
        }
        var bound = claim
        bound.spec?.volumeName = volume.metadata.name ?? ""
        var annotations = bound.metadata.annotations ?? [:]
        annotations[StorageAnnotation.bindCompleted] = "yes"
        if claimChosenByController { annotations[StorageAnnotation.boundByController] = "yes" }
        bound.metadata.annotations = annotations
        var status = bound.status ?? PersistentVolumeClaimStatus()
        status.phase = PersistentVolumeClaimPhase.bound
        status.accessModes = volume.spec?.accessModes
        if status.capacity?[StorageResourceName.storage] == nil || claim.status?.phase != PersistentVolumeClaimPhase.bound {
            status.capacity = volume.spec?.capacity
        }
        bound.status = status
        return (volume, bound)
    }
}
