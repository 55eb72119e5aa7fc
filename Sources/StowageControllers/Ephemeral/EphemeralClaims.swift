import StowageAPI
import StowageClient

/// Creates the claims of pods' generic `ephemeral` volumes, as Kubernetes' ephemeral volume controller does: one
/// claim per volume named `<pod>-<volume>` in the pod's namespace, with the template's labels, annotations and
/// spec, owned by the pod (`controller: true`, `blockOwnerDeletion: true`) so the garbage collector deletes it
/// with the pod. A claim of that name that the pod does not own is left alone: the pod gets a warning event and
/// its node agent refuses the volume.
public final class EphemeralClaims: Reconciler {
    public let name = "ephemeral"
    let cluster: any Cluster
    let informers: SharedInformers
    let events: EventRecorder

    public init(cluster: any Cluster, informers: SharedInformers, events: EventRecorder) {
        self.cluster = cluster
        self.informers = informers
        self.events = events
    }

    public func register(with loop: ReconcileLoop<EphemeralClaims>) {
        informers.pods.addHandler { event in
            let pod = event.object
            if Self.hasEphemeralVolumes(pod) { loop.enqueue(ObjectKey(namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name ?? "")) }
        }
        // A claim deleted by hand while its pod lives is made again, as Kubernetes does.
        informers.claims.addHandler { event in
            guard case .deleted(let claim) = event else { return }
            for owner in claim.metadata.ownerReferences ?? [] where owner.kind == "Pod" && owner.controller == true {
                loop.enqueue(ObjectKey(namespace: claim.metadata.namespace ?? "default", name: owner.name))
            }
        }
    }

    static func hasEphemeralVolumes(_ pod: Pod) -> Bool {
        !pod.metadata.isBeingDeleted && (pod.spec?.volumes ?? []).contains { $0.ephemeral != nil }
    }

    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let pod = informers.pods.get(key), Self.hasEphemeralVolumes(pod), let podName = pod.metadata.name,
              let uid = pod.metadata.uid else { return .done }
        let namespace = pod.metadata.namespace ?? "default"
        for volume in pod.spec?.volumes ?? [] {
            guard let template = volume.ephemeral?.volumeClaimTemplate, let claimName = volume.claimName(podName: podName) else { continue }
            let claimKey = ObjectKey(namespace: namespace, name: claimName)
            if let existing = try await cluster.getIfPresent(PersistentVolumeClaim.self, claimKey) {
                if !(existing.metadata.ownerReferences ?? []).contains(where: { $0.uid == uid && $0.controller == true }) {
                    events.warning(pod, reason: "FailedBinding",
                                   "PVC \(namespace)/\(claimName) was not created for pod \(namespace)/\(podName) (pod is not owner)")
                }
                continue
            }
            var metadata = ObjectMeta(name: claimName, namespace: namespace)
            metadata.labels = template.metadata?.labels
            metadata.annotations = template.metadata?.annotations
            metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Pod", name: podName, uid: uid,
                                                       controller: true, blockOwnerDeletion: true)]
            var claim = PersistentVolumeClaim(metadata: metadata)
            claim.spec = template.spec
            do {
                _ = try await cluster.create(claim)
            } catch let error as APIError where error.reason == .alreadyExists {
                return .again(after: .milliseconds(100))  // made meanwhile: look at its owner again
            }
        }
        return .done
    }
}
