import Logging
import StowageAPI
import StowageClient
import Synchronization

/// The garbage collector: follows `ownerReferences` across the kinds it tracks and carries out delete propagation
/// as Kubernetes does — Background (an object whose owners are all gone is deleted), Foreground (an owner with the
/// `foregroundDeletion` finalizer has its dependents deleted first, then goes) and Orphan (an owner with the
/// `orphan` finalizer has its references removed from its dependents, then goes). References to owners that are
/// gone are removed from objects that still have other owners.
public final class GarbageCollector: Reconciler {
    public let name = "garbagecollector"
    private let kinds: [String: TrackedKind]
    /// Owner uid → its dependents; object uid → identity. Kept from the informers' events.
    private let graph = Mutex<(dependents: [String: Set<ObjectIdentity>], identities: [String: ObjectIdentity])>(([:], [:]))

    public init(cluster: any Cluster, informers: SharedInformers) {
        let tracked = [
            TrackedKind(informers.claims, cluster: cluster), TrackedKind(informers.volumes, cluster: cluster),
            TrackedKind(informers.pods, cluster: cluster), TrackedKind(informers.statefulSets, cluster: cluster),
            TrackedKind(informers.revisions, cluster: cluster),
        ]
        kinds = Dictionary(uniqueKeysWithValues: tracked.map { ($0.kind, $0) })
    }

    /// Connects every tracked kind's informer to `loop`.
    public func register(with loop: ReconcileLoop<GarbageCollector>) {
        for kind in kinds.values {
            kind.onChange { metadata, deleted in
                let identity = ObjectIdentity(kind: kind.kind, key: kind.key(metadata.name ?? "", namespace: metadata.namespace))
                let uid = metadata.uid ?? ""
                let wake: Set<ObjectIdentity> = self.graph.withLock { graph in
                    var owners = Set<ObjectIdentity>()
                    for owner in metadata.ownerReferences ?? [] {
                        if deleted { graph.dependents[owner.uid]?.remove(identity) } else { graph.dependents[owner.uid, default: []].insert(identity) }
                        if let known = graph.identities[owner.uid] { owners.insert(known) }
                    }
                    if deleted { graph.identities[uid] = nil } else { graph.identities[uid] = identity }
                    return (graph.dependents[uid] ?? []).union(owners)
                }
                // An owner that changed (deleted, or given a propagation finalizer) concerns its dependents; a
                // dependent that changed or went concerns its owners (one may be waiting for it in the
                // foreground); an object with owners or propagation finalizers concerns itself.
                for related in wake { loop.enqueue(related) }
                if !deleted, !(metadata.ownerReferences ?? []).isEmpty || metadata.isBeingDeleted { loop.enqueue(identity) }
            }
        }
    }

    public func reconcile(_ identity: ObjectIdentity) async throws -> ReconcileResult {
        guard let kind = kinds[identity.kind], let metadata = kind.cached(identity.key) else { return .done }
        let uid = metadata.uid ?? ""
        if metadata.isBeingDeleted {
            if metadata.hasFinalizer(PropagationFinalizer.orphan) {
                for dependent in dependents(of: uid) {
                    try await kinds[dependent.kind]?.updateMetadata(dependent.key) { meta in
                        meta.ownerReferences?.removeAll { $0.uid == uid }
                        if meta.ownerReferences?.isEmpty == true { meta.ownerReferences = nil }
                    }
                }
                try await kind.updateMetadata(identity.key) { $0.finalizers?.removeAll { $0 == PropagationFinalizer.orphan } }
                return .done
            }
            if metadata.hasFinalizer(PropagationFinalizer.foreground) {
                var remaining = 0
                for dependent in dependents(of: uid) {
                    guard let dependentKind = kinds[dependent.kind], let meta = try await dependentKind.live(dependent.key),
                          meta.ownerReferences?.contains(where: { $0.uid == uid }) == true else { continue }
                    if meta.ownerReferences?.first(where: { $0.uid == uid })?.blockOwnerDeletion == true { remaining += 1 }
                    if !meta.isBeingDeleted {
                        try await dependentKind.delete(dependent.key, meta.uid ?? "", "Background")
                    }
                }
                if remaining == 0 {
                    try await kind.updateMetadata(identity.key) { $0.finalizers?.removeAll { $0 == PropagationFinalizer.foreground } }
                }
                return .done
            }
        }
        let owners = metadata.ownerReferences ?? []
        guard !owners.isEmpty, !metadata.isBeingDeleted else { return .done }
        var absent: [OwnerReference] = []
        var deletingInForeground = false
        for owner in owners {
            guard let ownerKind = kinds[owner.kind] else { continue }
            let key = ownerKind.key(owner.name, namespace: identity.key.namespace)
            var found = ownerKind.cached(key)
            if found?.uid != owner.uid { found = try await ownerKind.live(key) }
            guard let found, found.uid == owner.uid else {
                absent.append(owner)
                continue
            }
            if found.isBeingDeleted, found.hasFinalizer(PropagationFinalizer.foreground) { deletingInForeground = true }
        }
        if absent.count == owners.count {
            try await kind.delete(identity.key, uid, "Background")
        } else if deletingInForeground {
            try await kind.delete(identity.key, uid, "Background")
        } else if !absent.isEmpty {
            let gone = Set(absent.map(\.uid))
            try await kind.updateMetadata(identity.key) { $0.ownerReferences?.removeAll { gone.contains($0.uid) } }
        }
        return .done
    }

    private func dependents(of uid: String) -> Set<ObjectIdentity> {
        graph.withLock { $0.dependents[uid] ?? [] }
    }
}
