import StowageAPI
import StowageClient

/// The pods and claims of a set, and its status.
extension StatefulSetController {
    static let podNameLabel = "statefulset.kubernetes.io/pod-name"
    static let podIndexLabel = "apps.kubernetes.io/pod-index"

    /// Pod `<set>-<ordinal>` from the template of `revision`: its labels plus the pod name and index and the
    /// revision, hostname and subdomain, a controller reference to the set, and each claim template as a volume of
    /// the same name.
    func makePod(of set: StatefulSet, ordinal: Int32, revision: ControllerRevision) throws -> Pod {
        let name = set.podName(ordinal: ordinal)
        let template = revision.data?.spec?.template ?? set.spec?.template
        var labels = template?.metadata?.labels ?? [:]
        labels[Self.podNameLabel] = name
        labels[Self.podIndexLabel] = String(ordinal)
        labels[Self.revisionLabel] = revision.metadata.name
        var metadata = ObjectMeta(name: name, namespace: set.metadata.namespace ?? "default", labels: labels,
                                  annotations: template?.metadata?.annotations)
        metadata.ownerReferences = [Self.reference(to: set, controller: true)]
        var spec = template?.spec ?? PodSpec()
        spec.hostname = name
        if let service = set.spec?.serviceName, !service.isEmpty { spec.subdomain = service }
        var volumes = spec.volumes ?? []
        for claimTemplate in set.spec?.volumeClaimTemplates ?? [] {
            guard let templateName = claimTemplate.metadata.name else { continue }
            volumes.removeAll { $0.name == templateName }
            volumes.append(Volume(name: templateName, persistentVolumeClaim: PersistentVolumeClaimVolumeSource(
                claimName: set.claimName(template: templateName, ordinal: ordinal))))
        }
        spec.volumes = volumes.isEmpty ? nil : volumes
        return Pod(metadata: metadata, spec: spec)
    }

    /// Makes the missing claims of `ordinal` (and sets the owners the retention policy asks for on existing ones).
    /// False when a claim is being deleted: the pod must wait for it to go.
    func ensureClaims(of set: StatefulSet, ordinal: Int32, pod: Pod?) async throws -> Bool {
        let namespace = set.metadata.namespace ?? "default"
        let setName = set.metadata.name ?? ""
        for template in set.spec?.volumeClaimTemplates ?? [] {
            guard let templateName = template.metadata.name else { continue }
            let claimName = set.claimName(template: templateName, ordinal: ordinal)
            let key = ObjectKey(namespace: namespace, name: claimName)
            if let existing = try await cluster.getIfPresent(PersistentVolumeClaim.self, key) {
                if existing.metadata.isBeingDeleted {
                    events.warning(set, reason: "FailedCreate",
                                   "create Pod \(set.podName(ordinal: ordinal)) in StatefulSet \(setName) failed error: pvc \(claimName) is being deleted")
                    return false
                }
                continue
            }
            var labels = template.metadata.labels ?? [:]
            for (label, value) in set.spec?.selector?.matchLabels ?? [:] { labels[label] = value }
            var metadata = ObjectMeta(name: claimName, namespace: namespace, labels: labels, annotations: template.metadata.annotations)
            metadata.ownerReferences = claimOwners(of: set, ordinal: ordinal, pod: pod)
            let claim = PersistentVolumeClaim(metadata: metadata, spec: template.spec)
            do {
                _ = try await cluster.create(claim)
                events.normal(set, reason: "SuccessfulCreate",
                              "create Claim \(claimName) Pod \(set.podName(ordinal: ordinal)) in StatefulSet \(setName) success")
            } catch let error as APIError where error.reason == .alreadyExists {
                continue
            } catch let error as APIError {
                events.warning(set, reason: "FailedCreate",
                               "create Claim \(claimName) for Pod \(set.podName(ordinal: ordinal)) in StatefulSet \(setName) failed error: \(error.message)")
                throw error
            }
        }
        return true
    }

    /// Before a condemned pod is deleted: its claims get the owners the retention policy asks for (the pod when
    /// `whenScaled: Delete`, so they go with it).
    func updateClaimOwners(of set: StatefulSet, ordinal: Int32, pod: Pod) async throws {
        let namespace = set.metadata.namespace ?? "default"
        for template in set.spec?.volumeClaimTemplates ?? [] {
            guard let templateName = template.metadata.name else { continue }
            let key = ObjectKey(namespace: namespace, name: set.claimName(template: templateName, ordinal: ordinal))
            guard var claim = try await cluster.getIfPresent(PersistentVolumeClaim.self, key) else { continue }
            let ours: Set<String> = [set.metadata.uid ?? "", pod.metadata.uid ?? ""]
            let foreign = (claim.metadata.ownerReferences ?? []).filter { !ours.contains($0.uid) }
            let owners = foreign + claimOwners(of: set, ordinal: ordinal, pod: pod)
            guard owners != (claim.metadata.ownerReferences ?? []) else { continue }
            claim.metadata.ownerReferences = owners.isEmpty ? nil : owners
            _ = try await cluster.update(claim)
        }
    }

    /// The owners the retention policy gives a claim of `ordinal`: its pod when the ordinal is condemned and
    /// `whenScaled` is Delete, else the set when `whenDeleted` is Delete, else none.
    func claimOwners(of set: StatefulSet, ordinal: Int32, pod: Pod?) -> [OwnerReference] {
        let policy = set.spec?.persistentVolumeClaimRetentionPolicy
        if !set.ordinals.contains(ordinal), policy?.whenScaled == "Delete", let pod, let uid = pod.metadata.uid {
            return [OwnerReference(apiVersion: "v1", kind: "Pod", name: pod.metadata.name ?? "", uid: uid, controller: false,
                                   blockOwnerDeletion: true)]
        }
        if policy?.whenDeleted == "Delete" { return [Self.reference(to: set, controller: true)] }
        return []
    }

    static func reference(to set: StatefulSet, controller: Bool) -> OwnerReference {
        OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name ?? "", uid: set.metadata.uid ?? "",
                       controller: controller, blockOwnerDeletion: true)
    }

    /// Writes `status`: replicas (pods not being deleted), ready and available ones (available: ready for
    /// `minReadySeconds`), pods at the current and at the update revision, the revisions, observedGeneration.
    /// Once every pod is at the update revision and ready, it becomes the current revision.
    func updateStatus(_ set: StatefulSet, pods: [Int32: Pod], revisions: Revisions) async throws -> ReconcileResult {
        let live = pods.values.filter { !$0.metadata.isBeingDeleted && !$0.isTerminal }
        let ready = Int32(live.filter { $0.status?.phase == PodStatus.Phase.running && $0.status?.isReady == true }.count)
        let minReady = set.spec?.minReadySeconds ?? 0
        var status = set.status ?? StatefulSetStatus()
        status.observedGeneration = set.metadata.generation
        status.replicas = Int32(live.count)
        status.readyReplicas = ready
        status.availableReplicas = Int32(live.filter { Self.availability(of: $0, minReadySeconds: minReady).available }.count)
        status.currentRevision = revisions.currentName
        status.updateRevision = revisions.updateName
        status.currentReplicas = Int32(live.filter { $0.metadata.labels?[Self.revisionLabel] == revisions.currentName }.count)
        status.updatedReplicas = Int32(live.filter { $0.metadata.labels?[Self.revisionLabel] == revisions.updateName }.count)
        if status.updatedReplicas == status.replicas, status.readyReplicas == status.replicas,
           status.replicas == set.spec?.replicas ?? 1 {
            status.currentRevision = revisions.updateName
            status.currentReplicas = status.updatedReplicas
        }
        guard status != set.status else { return .done }
        var updated = set
        updated.status = status
        do {
            _ = try await cluster.updateStatus(updated)
        } catch let error as APIError where error.reason == .conflict || error.reason == .notFound {
            return .again(after: .milliseconds(50))
        }
        return .done
    }
}
