import StowageAPI
import StowageClient

/// Places pods that name no node (the scheduler's volume part): a node qualifies when it is Ready and schedulable,
/// matches the pod's `nodeSelector`, admits the `nodeAffinity` of every bound volume the pod uses, and — for a
/// WaitForFirstConsumer claim not bound yet — is allowed by its class's `allowedTopologies` and has room for it in
/// its driver's CSIStorageCapacity (when the driver's CSIDriver asks for that). Among those the node
/// with the fewest pods wins (then the name). Setting `spec.nodeName` is all it writes; the binder then gives
/// WaitForFirstConsumer claims the `selected-node` annotation of their placed consumer. A pod no node can take gets
/// `PodScheduled=False` with Kubernetes' reasons and a `FailedScheduling` event, and is looked at again when nodes,
/// claims or volumes change.
public final class Placement: Reconciler {
    public let name = "placement"
    let cluster: any Cluster
    let informers: SharedInformers
    let events: EventRecorder

    public init(cluster: any Cluster, informers: SharedInformers, events: EventRecorder) {
        self.cluster = cluster
        self.informers = informers
        self.events = events
    }

    public func register(with loop: ReconcileLoop<Placement>) {
        informers.pods.addHandler { event in
            let pod = event.object
            if Self.wantsPlacement(pod) { loop.enqueue(ObjectKey(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? "")) }
        }
        let retryAll: @Sendable () -> Void = {
            for pod in self.informers.pods.list() where Self.wantsPlacement(pod) {
                loop.enqueue(ObjectKey(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? ""))
            }
        }
        informers.nodes.addHandler { _ in retryAll() }
        informers.capacities.addHandler { _ in retryAll() }
        informers.csiDrivers.addHandler { _ in retryAll() }
        informers.claims.addHandler { event in
            let claim = event.object
            for pod in self.informers.pods.byIndex(StandardIndexes.podsByClaim, "\(claim.metadata.namespace ?? "default")/\(claim.metadata.name ?? "")")
            where Self.wantsPlacement(pod) {
                loop.enqueue(ObjectKey(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? ""))
            }
        }
    }

    static func wantsPlacement(_ pod: Pod) -> Bool {
        (pod.spec?.nodeName ?? "").isEmpty && !pod.metadata.isBeingDeleted && !pod.isTerminal
            && ["", "default-scheduler"].contains(pod.spec?.schedulerName ?? "")
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let pod = informers.pods.get(key), Self.wantsPlacement(pod) else { return .done }
        let nodes = informers.nodes.list().filter { node in
            node.status?.conditions?.first { $0.type == "Ready" }?.status == "True" && node.spec?.unschedulable != true
        }
        if let problem = podProblem(pod) {
            try await unschedulable(pod, "0/\(nodes.count) nodes are available: \(problem).")
            return .done
        }
        var reasons: [String: Int] = [:]
        let feasible = nodes.filter { node in
            guard let reason = reasonAgainst(node, for: pod) else { return true }
            reasons[reason, default: 0] += 1
            return false
        }
        let podsPerNode = Dictionary(grouping: informers.pods.list().compactMap(\.spec?.nodeName), by: { $0 }).mapValues(\.count)
        guard let chosen = feasible.min(by: { a, b in
            let (countA, countB) = (podsPerNode[a.metadata.name ?? ""] ?? 0, podsPerNode[b.metadata.name ?? ""] ?? 0)
            return countA != countB ? countA < countB : (a.metadata.name ?? "") < (b.metadata.name ?? "")
        }), let nodeName = chosen.metadata.name else {
            let detail = reasons.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            try await unschedulable(pod, "0/\(nodes.count) nodes are available\(detail.isEmpty ? "" : ": " + detail).")
            return .done
        }
        var placed = pod
        placed.spec?.nodeName = nodeName
        _ = try await cluster.update(placed)
        events.normal(pod, reason: "Scheduled", "Successfully assigned \(pod.metadata.namespace ?? "default")/\(pod.metadata.name ?? "") to \(nodeName)")
        return .done
    }

    /// A reason that holds whatever the node: a claim missing, or an Immediate claim not bound yet.
    private func podProblem(_ pod: Pod) -> String? {
        let namespace = pod.metadata.namespace ?? "default"
        for claimName in pod.claimNames {
            guard let claim = informers.claims.get(ObjectKey(namespace: namespace, name: claimName)) else {
                return "persistentvolumeclaim \"\(claimName)\" not found"
            }
            if claim.metadata.isBeingDeleted { return "persistentvolumeclaim \"\(claimName)\" is being deleted" }
            if claim.status?.phase != PersistentVolumeClaimPhase.bound, !isWaitForFirstConsumer(claim) {
                return "pod has unbound immediate PersistentVolumeClaims"
            }
        }
        return nil
    }

    /// Why `node` cannot take `pod`, in Kubernetes' words, or nil when it can.
    private func reasonAgainst(_ node: Node, for pod: Pod) -> String? {
        let labels = node.metadata.labels ?? [:]
        for (key, value) in pod.spec?.nodeSelector ?? [:] where labels[key] != value {
            return "node(s) didn't match Pod's node affinity/selector"
        }
        let namespace = pod.metadata.namespace ?? "default"
        for claimName in pod.claimNames {
            guard let claim = informers.claims.get(ObjectKey(namespace: namespace, name: claimName)) else { continue }
            if let volumeName = claim.spec?.volumeName, !volumeName.isEmpty, claim.status?.phase == PersistentVolumeClaimPhase.bound {
                if let volume = informers.volumes.get(ObjectKey(name: volumeName)), !VolumeMatching.nodeAffinity(of: volume, admits: node) {
                    return "node(s) had volume node affinity conflict"
                }
            } else if let storageClass = className(of: claim).flatMap({ informers.classes.get(ObjectKey(name: $0)) }),
                      let topologies = storageClass.allowedTopologies, !topologies.isEmpty,
                      !topologies.contains(where: { term in
                          (term.matchLabelExpressions ?? []).allSatisfy { requirement in
                              labels[requirement.key].map { (requirement.values ?? []).contains($0) } ?? false
                          }
                      }) {
                return "node(s) didn't find available persistent volumes to bind"
            } else if !hasEnoughCapacity(for: claim, on: node) {
                return "node(s) did not have enough free storage"
            }
        }
        return nil
    }

    /// For a claim still to be provisioned, whether its driver reports room for it on `node`: some
    /// CSIStorageCapacity of its class whose `nodeTopology` selects the node has a `maximumVolumeSize` (else a
    /// `capacity`) of at least the request. Only drivers whose CSIDriver says `storageCapacity: true` are checked,
    /// as in Kubernetes; without a capacity object for the node there is no room.
    private func hasEnoughCapacity(for claim: PersistentVolumeClaim, on node: Node) -> Bool {
        guard let className = className(of: claim), let storageClass = informers.classes.get(ObjectKey(name: className)),
              let provisioner = storageClass.provisioner,
              informers.csiDrivers.get(ObjectKey(name: provisioner))?.spec?.storageCapacity == true else { return true }
        let request = claim.spec?.resources?.requests?["storage"] ?? Quantity(bytes: 0)
        return informers.capacities.list().contains { capacity in
            guard capacity.storageClassName == className,
                  (try? capacity.nodeTopology?.matches(node.metadata.labels ?? [:])) == true,
                  let room = capacity.maximumVolumeSize ?? capacity.capacity else { return false }
            return room >= request
        }
    }

    private func className(of claim: PersistentVolumeClaim) -> String? {
        guard let name = claim.spec?.storageClassName, !name.isEmpty else { return nil }
        return name
    }

    private func isWaitForFirstConsumer(_ claim: PersistentVolumeClaim) -> Bool {
        guard let name = className(of: claim) else { return false }
        return informers.classes.get(ObjectKey(name: name))?.volumeBindingMode == VolumeBindingMode.waitForFirstConsumer
    }

    private func unschedulable(_ pod: Pod, _ message: String) async throws {
        events.warning(pod, reason: "FailedScheduling", message)
        let existing = pod.status?.conditions?.first { $0.type == PodCondition.ConditionType.podScheduled }
        guard existing?.status != "False" || existing?.message != message else { return }
        var updated = pod
        var status = pod.status ?? PodStatus()
        status.phase = status.phase ?? PodStatus.Phase.pending
        status.conditions = (status.conditions ?? []).filter { $0.type != PodCondition.ConditionType.podScheduled }
            + [PodCondition(type: PodCondition.ConditionType.podScheduled, status: "False", lastTransitionTime: .now(),
                            reason: "Unschedulable", message: message)]
        updated.status = status
        _ = try await cluster.updateStatus(updated)
    }
}
