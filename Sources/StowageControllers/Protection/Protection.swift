import StowageAPI
import StowageClient

/// In-use protection (§4): a deleted claim keeps `kubernetes.io/pvc-protection` while any pod placed on a node
/// (whatever its phase) uses it; a deleted volume keeps `kubernetes.io/pv-protection` while it is Bound.
public final class Protection: Reconciler {
    public let name = "protection"
    let cluster: any Cluster
    let informers: SharedInformers
    let events: EventRecorder

    public init(cluster: any Cluster, informers: SharedInformers, events: EventRecorder) {
        self.cluster = cluster
        self.informers = informers
        self.events = events
    }

    /// Connects the informers to `loop`.
    public func register(with loop: ReconcileLoop<Protection>) {
        informers.claims.addHandler { event in
            let claim = event.object
            if claim.metadata.isBeingDeleted { loop.enqueue(.claim(claim.key)) }
        }
        informers.volumes.addHandler { event in
            let volume = event.object
            if volume.metadata.isBeingDeleted { loop.enqueue(.volume(volume.metadata.name ?? "")) }
        }
        informers.pods.addHandler { event in
            for claim in StandardIndexes.claims(of: event.object) { loop.enqueue(.claim(ObjectKey(claim))) }
        }
    }

    public func reconcile(_ key: StorageObjectKey) async throws -> ReconcileResult {
        switch key {
        case .claim(let key):
            guard let claim = informers.claims.get(key), claim.metadata.isBeingDeleted,
                  claim.metadata.hasFinalizer(Admission.pvcProtectionFinalizer) else { return .done }
            let users = try await podsUsing(claim)
            if !users.isEmpty {
                events.normal(claim, reason: "ClaimInUse",
                              "the claim is being deleted but is in use by pod(s) \(users.joined(separator: ", ")); it is removed once they are gone")
                return .done
            }
            var updated = claim
            updated.metadata.finalizers?.removeAll { $0 == Admission.pvcProtectionFinalizer }
            _ = try await cluster.update(updated)
            return .done
        case .volume(let name):
            guard let volume = informers.volumes.get(ObjectKey(name: name)), volume.metadata.isBeingDeleted,
                  volume.metadata.hasFinalizer(Admission.pvProtectionFinalizer),
                  volume.status?.phase != PersistentVolumePhase.bound else { return .done }
            var updated = volume
            updated.metadata.finalizers?.removeAll { $0 == Admission.pvProtectionFinalizer }
            _ = try await cluster.update(updated)
            return .done
        }
    }

    /// Names of the pods placed on a node that use `claim`. When the cache shows none, the API is asked, so a pod
    /// created a moment ago is not missed (the claim must never go while a pod may be mounting it).
    private func podsUsing(_ claim: PersistentVolumeClaim) async throws -> [String] {
        func holders(_ pods: [Pod]) -> [String] {
            pods.filter { !($0.spec?.nodeName ?? "").isEmpty && $0.claimNames.contains(claim.metadata.name ?? "") }
                .compactMap(\.metadata.name).sorted()
        }
        let cached = holders(informers.pods.byIndex(StandardIndexes.podsByClaim, claim.indexKey))
        if !cached.isEmpty { return cached }
        return holders(try await cluster.listAll(Pod.self, namespace: claim.metadata.namespace ?? "default"))
    }
}
