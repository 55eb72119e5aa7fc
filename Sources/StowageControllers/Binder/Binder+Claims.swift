import StowageAPI
import StowageClient

extension Binder {
    /// A claim without `spec.volumeName`: default class, a volume pre-bound to it, WaitForFirstConsumer, the best
    /// free volume, else the provisioner or an event saying why it waits.
    func syncUnboundClaim(_ claim: PersistentVolumeClaim) async throws -> ReconcileResult {
        if claim.spec?.storageClassName == nil, claim.metadata.annotation(StorageAnnotation.betaStorageClass) == nil,
           let defaultClass = informers.defaultClass() {
            var updated = claim
            updated.spec?.storageClassName = defaultClass.metadata.name
            _ = try await cluster.update(updated)
            return .done
        }
        // Rule 4: a volume whose claimRef already names this claim wins at once.
        if let reserved = informers.volumes.byIndex(SharedInformers.volumesByClaim, claim.indexKey)
            .first(where: { VolumeMatching.reference($0.spec?.claimRef, names: claim) && !$0.metadata.isBeingDeleted }) {
            if let problem = VolumeMatching.mismatch(reserved, for: claim) {
                try await markPending(claim)
                events.warning(claim, reason: "VolumeMismatch", "Cannot bind to requested volume \"\(reserved.metadata.name ?? "")\": \(problem)")
                return .done
            }
            try await bind(claim, to: reserved, claimChosenByController: true)
            return .done
        }
        let className = claim.spec?.storageClassName ?? ""
        let storageClass = className.isEmpty ? nil : informers.classes.get(ObjectKey(name: className))
        var node: Node?
        if let storageClass, storageClass.volumeBindingMode == VolumeBindingMode.waitForFirstConsumer {
            guard let selected = claim.metadata.annotation(StorageAnnotation.selectedNode), !selected.isEmpty else {
                if let consumerNode = placedConsumerNode(of: claim) {
                    var updated = claim
                    updated.metadata.annotations = (claim.metadata.annotations ?? [:]).merging([StorageAnnotation.selectedNode: consumerNode]) { $1 }
                    _ = try await cluster.update(updated)
                    return .done
                }
                try await markPending(claim)
                events.normal(claim, reason: "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
                return .done
            }
            node = informers.nodes.get(ObjectKey(name: selected)) ?? Self.assumedNode(named: selected)
        }
        if let volume = index.reserve(for: claim, on: node) {
            do {
                try await bind(claim, to: volume, claimChosenByController: true)
            } catch {
                index.unreserve(volume.metadata.name ?? "")
                throw error
            }
            unpark(claim, passingOn: false)
            return .done
        }
        park(claim)
        if let storageClass, let provisioner = storageClass.provisioner, !provisioner.isEmpty,
           provisioner != "kubernetes.io/no-provisioner" {
            if claim.metadata.annotation(StorageAnnotation.storageProvisioner) != provisioner {
                var updated = claim
                updated.metadata.annotations = (claim.metadata.annotations ?? [:]).merging([StorageAnnotation.storageProvisioner: provisioner]) { $1 }
                if let handOver, let uid = claim.metadata.uid, !claim.metadata.hasFinalizer(ProvisioningFinalizer.volumeInFlight),
                   handOver.accepts(provisioner: provisioner, selectedNode: claim.metadata.annotation(StorageAnnotation.selectedNode)) {
                    updated.metadata.finalizers = (claim.metadata.finalizers ?? []) + [ProvisioningFinalizer.volumeInFlight]
                    // Noted before the write, so the provisioner (woken by it) knows; if the write fails, the note is
                    // harmless: it only matters while the claim carries the finalizer and CreateVolume has not run.
                    handOver.handOver(uid)
                }
                _ = try await cluster.update(updated)
                return .done
            }
            try await markPending(claim)
            events.normal(claim, reason: "ExternalProvisioning",
                          "Waiting for a volume to be created either by the external provisioner '\(provisioner)' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
            return .done
        }
        try await markPending(claim)
        if !className.isEmpty, storageClass == nil {
            events.warning(claim, reason: "ProvisioningFailed", "storageclass.storage.k8s.io \"\(className)\" not found")
        } else if className.isEmpty {
            events.normal(claim, reason: "FailedBinding", "no persistent volumes available for this claim and no storage class is set")
        } else {
            events.normal(claim, reason: "FailedBinding", "no persistent volumes available for this claim and storage class \"\(className)\" has no provisioner")
        }
        return .done
    }

    /// A claim with `spec.volumeName`: finish a bind, bind a claim pre-bound by the user, or report Lost and
    /// misbound claims (never silently rebinding them).
    func syncBoundClaim(_ claim: PersistentVolumeClaim) async throws -> ReconcileResult {
        let volumeName = claim.spec?.volumeName ?? ""
        let bindCompleted = claim.metadata.annotation(StorageAnnotation.bindCompleted) != nil
        var volume = informers.volumes.get(ObjectKey(name: volumeName))
        if volume == nil { volume = try await cluster.getIfPresent(PersistentVolume.self, ObjectKey(name: volumeName)) }
        guard let volume else {
            if bindCompleted {
                try await setPhase(claim, PersistentVolumeClaimPhase.lost)
                events.warning(claim, reason: "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            } else {
                try await markPending(claim)
                events.normal(claim, reason: "FailedBinding", "volume \"\(volumeName)\" requested by the claim does not exist")
            }
            return .done
        }
        guard let ref = volume.spec?.claimRef, ref.name != nil else {
            // Pre-bound by the user from the claim side, or the volume's claimRef was cleared: (re)bind.
            if !bindCompleted, let problem = VolumeMatching.mismatch(volume, for: claim) {
                try await markPending(claim)
                events.warning(claim, reason: "VolumeMismatch", "Cannot bind to requested volume \"\(volumeName)\": \(problem)")
                return .done
            }
            if volume.metadata.isBeingDeleted {
                try await markPending(claim)
                return .done
            }
            try await bind(claim, to: volume, claimChosenByController: claim.metadata.annotation(StorageAnnotation.boundByController) != nil)
            return .done
        }
        if VolumeMatching.reference(ref, names: claim) {
            if Self.bindIsComplete(claim, volume) { return .done }
            try await bind(claim, to: volume, claimChosenByController: claim.metadata.annotation(StorageAnnotation.boundByController) != nil)
            return .done
        }
        if bindCompleted {
            try await setPhase(claim, PersistentVolumeClaimPhase.lost)
            events.warning(claim, reason: "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly")
        } else {
            try await markPending(claim)
            events.warning(claim, reason: "FailedBinding", "volume \"\(volumeName)\" already bound to a different claim.")
        }
        return .done
    }

    /// Both halves written: nothing for the claim's reconcile to do (the common case after a bind's own events).
    static func bindIsComplete(_ claim: PersistentVolumeClaim, _ volume: PersistentVolume) -> Bool {
        claim.status?.phase == PersistentVolumeClaimPhase.bound
            && claim.metadata.annotation(StorageAnnotation.bindCompleted) != nil
            && claim.status?.capacity?[StorageResourceName.storage] != nil
            && volume.status?.phase == PersistentVolumePhase.bound
            && volume.spec?.claimRef?.uid == claim.metadata.uid
    }

    /// The node of a placed pod that uses `claim` (the first consumer a WaitForFirstConsumer claim waits for).
    /// A pod that names `spec.nodeName` itself counts too (beyond Kubernetes #95767).
    func placedConsumerNode(of claim: PersistentVolumeClaim) -> String? {
        informers.pods.byIndex(StandardIndexes.podsByClaim, claim.indexKey)
            .first { !($0.spec?.nodeName ?? "").isEmpty && !$0.metadata.isBeingDeleted }?.spec?.nodeName
    }

    /// A node not (yet) registered, with the labels Stowage's nodes carry.
    static func assumedNode(named name: String) -> Node {
        Node(name: name, labels: ["kubernetes.io/hostname": name, "topology.stowage.dev/node": name])
    }

    func markPending(_ claim: PersistentVolumeClaim) async throws {
        try await setPhase(claim, PersistentVolumeClaimPhase.pending)
    }

    func setPhase(_ claim: PersistentVolumeClaim, _ phase: String) async throws {
        guard claim.status?.phase != phase else { return }
        var updated = claim
        updated.status = updated.status ?? PersistentVolumeClaimStatus()
        updated.status?.phase = phase
        _ = try await cluster.updateStatus(updated)
    }
}
