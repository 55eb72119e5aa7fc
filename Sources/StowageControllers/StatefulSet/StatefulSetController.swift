import StowageAPI
import StowageClient

/// The StatefulSet controller (apps/v1, `kubernetes-semantics.md` §6): pods `<set>-<ordinal>` over
/// `[start, start + replicas)`, each created after its claims `<template>-<set>-<ordinal>` (an existing claim is
/// used as it is; one being deleted blocks its pod with a `FailedCreate` event); `OrderedReady` creates one pod at a
/// time in increasing ordinal, each Running and Ready before the next, and removes from the highest ordinal one at
/// a time; `Parallel` does both at once. A failed pod is deleted and made again under its name, so it finds its
/// claims; a missing claim of a pod not running yet is made again (Kubernetes #89910).
/// `persistentVolumeClaimRetentionPolicy` is carried out with ownerReferences for the garbage collector: the set
/// owns its claims when `whenDeleted: Delete`, a condemned pod owns its claims when `whenScaled: Delete`.
/// Template changes roll out by `updateStrategy` (see `+Revisions`); a raised storage request in a claim template
/// expands the existing claims (see `+Expansion`).
public final class StatefulSetController: Reconciler {
    public let name = "statefulset"
    let cluster: any Cluster
    let informers: SharedInformers
    let events: EventRecorder

    public init(cluster: any Cluster, informers: SharedInformers, events: EventRecorder) {
        self.cluster = cluster
        self.informers = informers
        self.events = events
    }

    public func register(with loop: ReconcileLoop<StatefulSetController>) {
        informers.statefulSets.addHandler { event in
            loop.enqueue(ObjectKey(namespace: event.object.metadata.namespace ?? "default", name: event.object.metadata.name ?? ""))
        }
        informers.pods.addHandler { event in
            let pod = event.object
            guard let owner = Self.controller(of: pod.metadata) else { return }
            loop.enqueue(ObjectKey(namespace: pod.metadata.namespace ?? "default", name: owner))
        }
        informers.revisions.addHandler { event in
            guard let owner = Self.controller(of: event.object.metadata) else { return }
            loop.enqueue(ObjectKey(namespace: event.object.metadata.namespace ?? "default", name: owner))
        }
        informers.claims.addHandler { event in
            // A claim deleted under a pending pod is made again; a claim that finished deleting unblocks its pod.
            guard case .deleted(let claim) = event else { return }
            let namespace = claim.metadata.namespace ?? "default"
            for set in self.informers.statefulSets.list() where (set.metadata.namespace ?? "default") == namespace {
                loop.enqueue(ObjectKey(namespace: namespace, name: set.metadata.name ?? ""))
            }
        }
    }

    /// The name of the StatefulSet that controls an object, from its ownerReferences.
    static func controller(of metadata: ObjectMeta) -> String? {
        metadata.ownerReferences?.first { $0.kind == "StatefulSet" && $0.controller == true }?.name
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let set = informers.statefulSets.get(key), !set.metadata.isBeingDeleted, let setName = set.metadata.name else { return .done }
        let namespace = set.metadata.namespace ?? "default"
        var pods: [Int32: Pod] = [:]
        for pod in informers.pods.list() where (pod.metadata.namespace ?? "default") == namespace
            && pod.metadata.ownerReferences?.contains(where: { $0.uid == set.metadata.uid && $0.controller == true }) == true {
            guard let ordinal = Self.ordinal(of: pod.metadata.name ?? "", set: setName) else { continue }
            pods[ordinal] = pod
        }
        let ordered = (set.spec?.podManagementPolicy ?? "OrderedReady") != "Parallel"
        let wanted = set.ordinals
        let revisions = try await ensureRevisions(of: set)
        let minReady = set.spec?.minReadySeconds ?? 0
        try await expandClaims(of: set, ordinals: wanted.filter { pods[$0] != nil })

        // Create and repair, in increasing ordinal.
        for ordinal in wanted {
            if let pod = pods[ordinal] {
                if pod.metadata.isBeingDeleted {
                    if ordered { return try await updateStatus(set, pods: pods, revisions: revisions) }
                    continue
                }
                if pod.isTerminal {
                    _ = try? await cluster.delete(Pod.self, ObjectKey(namespace: namespace, name: pod.metadata.name ?? ""),
                                                  options: DeleteOptions(preconditionUID: pod.metadata.uid))
                    events.normal(set, reason: "SuccessfulDelete", "delete Pod \(pod.metadata.name ?? "") in StatefulSet \(setName) successful")
                    if ordered { return try await updateStatus(set, pods: pods, revisions: revisions) }
                    continue
                }
                if pod.status?.phase != PodStatus.Phase.running {
                    guard try await ensureClaims(of: set, ordinal: ordinal, pod: pod) else { return try await updateStatus(set, pods: pods, revisions: revisions) }
                }
                if ordered {
                    let (available, wait) = Self.availability(of: pod, minReadySeconds: minReady)
                    if !available {
                        let result = try await updateStatus(set, pods: pods, revisions: revisions)
                        return wait.map { .again(after: $0) } ?? result
                    }
                }
                continue
            }
            guard try await ensureClaims(of: set, ordinal: ordinal, pod: nil) else {
                if ordered { return try await updateStatus(set, pods: pods, revisions: revisions) }
                continue
            }
            let pod = try makePod(of: set, ordinal: ordinal, revision: revision(forNewPod: ordinal, of: set, revisions))
            do {
                pods[ordinal] = try await cluster.create(pod)
                events.normal(set, reason: "SuccessfulCreate", "create Pod \(pod.metadata.name ?? "") in StatefulSet \(setName) successful")
            } catch let error as APIError where error.reason == .alreadyExists {
                return .again(after: .milliseconds(100))  // our cache is behind: look again
            } catch let error as APIError {
                events.warning(set, reason: "FailedCreate", "create Pod \(pod.metadata.name ?? "") in StatefulSet \(setName) failed error: \(error.message)")
                throw error
            }
            if ordered { return try await updateStatus(set, pods: pods, revisions: revisions) }
        }

        // Remove the condemned, from the highest ordinal.
        let condemned = pods.keys.filter { !wanted.contains($0) }.sorted(by: >)
        for ordinal in condemned {
            guard let pod = pods[ordinal] else { continue }
            if pod.metadata.isBeingDeleted {
                if ordered { break }
                continue
            }
            try await updateClaimOwners(of: set, ordinal: ordinal, pod: pod)
            _ = try? await cluster.delete(Pod.self, ObjectKey(namespace: namespace, name: pod.metadata.name ?? ""),
                                          options: DeleteOptions(preconditionUID: pod.metadata.uid))
            events.normal(set, reason: "SuccessfulDelete", "delete Pod \(pod.metadata.name ?? "") in StatefulSet \(setName) successful")
            if ordered { break }
        }
        if condemned.isEmpty || !ordered {
            await rollOut(set, pods: pods, revisions: revisions)
        }
        await pruneHistory(of: set, pods: pods, revisions: revisions)
        let result = try await updateStatus(set, pods: pods, revisions: revisions)
        // A pod Ready but not yet for minReadySeconds becomes available later: look again then.
        let waits = pods.values.compactMap { Self.availability(of: $0, minReadySeconds: minReady).wait }
        return waits.min().map { .again(after: $0) } ?? result
    }

    /// `web-3` → 3 for set `web`; nil for a name of another pattern.
    static func ordinal(of podName: String, set: String) -> Int32? {
        guard podName.hasPrefix(set + "-") else { return nil }
        return Int32(podName.dropFirst(set.count + 1))
    }
}
