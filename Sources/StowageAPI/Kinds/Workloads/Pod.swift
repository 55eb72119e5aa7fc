/// A pod (core/v1): containers run together on one node with their volumes. In Stowage a pod is mostly a volume
/// consumer: the node agent stages and publishes its volumes and runs its containers as host processes.
public struct Pod: APIObject {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true,
        shortNames: ["po"], categories: ["all"], hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A pod named `name` in `namespace` running `containers` with `volumes`.
    public init(name: String, namespace: String = "default", containers: [Container], volumes: [Volume]? = nil, nodeName: String? = nil) {
        self.init(
            metadata: ObjectMeta(name: name, namespace: namespace),
            spec: PodSpec(volumes: volumes, containers: containers, nodeName: nodeName))
    }

    /// Fills Kubernetes' defaults: the pod spec's (restart policy, grace period, scheduler, container pull
    /// policies, probe timings, ...) and `status.phase` Pending.
    public mutating func applyDefaults() {
        if spec == nil { spec = PodSpec() }
        spec?.applyDefaults()
        if status?.phase == nil {
            if status == nil { status = PodStatus() }
            status?.phase = PodStatus.Phase.pending
        }
    }

    public func specDiffers(from old: Pod) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: Pod) { status = other.status }

    /// Supports the field selectors Kubernetes supports for pods.
    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "spec.nodeName": return spec?.nodeName ?? ""
        case "spec.restartPolicy": return spec?.restartPolicy ?? ""
        case "spec.schedulerName": return spec?.schedulerName ?? ""
        case "spec.serviceAccountName": return spec?.serviceAccountName ?? ""
        case "spec.hostNetwork": return (spec?.hostNetwork ?? false) ? "true" : "false"
        case "status.phase": return status?.phase ?? ""
        case "status.podIP": return status?.podIP ?? ""
        default: return metadata.fieldValue(path)
        }
    }

    /// The names of the claims this pod uses (`persistentVolumeClaim` and `ephemeral` volumes), in volume order.
    public var claimNames: [String] {
        (spec?.volumes ?? []).compactMap { $0.claimName(podName: metadata.name ?? "") }
    }

    /// Whether the pod has finished for good (`Succeeded` or `Failed`).
    public var isTerminal: Bool {
        status?.phase == PodStatus.Phase.succeeded || status?.phase == PodStatus.Phase.failed
    }
}
