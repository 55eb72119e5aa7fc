/// `Pod.spec`: what the pod runs, with which volumes, and where.
public struct PodSpec: Codable, Sendable, Hashable {
    public var volumes: [Volume]?
    public var initContainers: [Container]?
    public var containers: [Container]?
    /// `Always` (default), `OnFailure` or `Never`; see ``RestartPolicy``.
    public var restartPolicy: String?
    /// Defaults to 30.
    public var terminationGracePeriodSeconds: Int64?
    /// `ClusterFirst` (default), `ClusterFirstWithHostNet`, `Default` or `None`. Stowage has no cluster DNS; kept
    /// for compatibility.
    public var dnsPolicy: String?
    public var nodeSelector: [String: String]?
    public var serviceAccountName: String?
    /// The node the pod runs on; set by placement, or by the user to skip placement.
    public var nodeName: String?
    public var hostNetwork: Bool?
    public var securityContext: PodSecurityContext?
    public var hostname: String?
    public var subdomain: String?
    /// Defaults to `default-scheduler`.
    public var schedulerName: String?
    public var tolerations: [Toleration]?
    public var priority: Int32?

    public init(
        volumes: [Volume]? = nil, initContainers: [Container]? = nil, containers: [Container]? = nil,
        restartPolicy: String? = nil, terminationGracePeriodSeconds: Int64? = nil, dnsPolicy: String? = nil,
        nodeSelector: [String: String]? = nil, serviceAccountName: String? = nil, nodeName: String? = nil,
        hostNetwork: Bool? = nil, securityContext: PodSecurityContext? = nil, hostname: String? = nil,
        subdomain: String? = nil, schedulerName: String? = nil, tolerations: [Toleration]? = nil, priority: Int32? = nil
    ) {
        self.volumes = volumes
        self.initContainers = initContainers
        self.containers = containers
        self.restartPolicy = restartPolicy
        self.terminationGracePeriodSeconds = terminationGracePeriodSeconds
        self.dnsPolicy = dnsPolicy
        self.nodeSelector = nodeSelector
        self.serviceAccountName = serviceAccountName
        self.nodeName = nodeName
        self.hostNetwork = hostNetwork
        self.securityContext = securityContext
        self.hostname = hostname
        self.subdomain = subdomain
        self.schedulerName = schedulerName
        self.tolerations = tolerations
        self.priority = priority
    }

    /// Known values of `restartPolicy`.
    public enum RestartPolicy {
        public static let always = "Always"
        public static let onFailure = "OnFailure"
        public static let never = "Never"
        /// Every supported value, in Kubernetes' order.
        public static let all = [always, onFailure, never]
    }

    /// Known values of `dnsPolicy`.
    public enum DNSPolicy {
        public static let clusterFirst = "ClusterFirst"
        public static let clusterFirstWithHostNet = "ClusterFirstWithHostNet"
        public static let `default` = "Default"
        public static let none = "None"
        /// Every supported value, sorted as Kubernetes lists them in errors.
        public static let all = [clusterFirst, clusterFirstWithHostNet, `default`, none]
    }

    /// The scheduler name Kubernetes fills in.
    public static let defaultSchedulerName = "default-scheduler"

    /// The volume named `name`, if any.
    public func volume(named name: String) -> Volume? { volumes?.first { $0.name == name } }

    /// Every container: init containers first, then regular ones.
    public var allContainers: [Container] { (initContainers ?? []) + (containers ?? []) }
}

/// Pod-wide security settings (`spec.securityContext`).
public struct PodSecurityContext: Codable, Sendable, Hashable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    /// The group that owns volumes that support ownership management.
    public var fsGroup: Int64?
    public var supplementalGroups: [Int64]?

    public init(runAsUser: Int64? = nil, runAsGroup: Int64? = nil, runAsNonRoot: Bool? = nil, fsGroup: Int64? = nil, supplementalGroups: [Int64]? = nil) {
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.fsGroup = fsGroup
        self.supplementalGroups = supplementalGroups
    }
}

/// A toleration of node taints (`spec.tolerations[*]`).
public struct Toleration: Codable, Sendable, Hashable {
    public var key: String?
    /// `Equal` (the default when empty) or `Exists`.
    public var `operator`: String?
    public var value: String?
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`; empty matches every effect.
    public var effect: String?
    public var tolerationSeconds: Int64?

    public init(key: String? = nil, operator: String? = nil, value: String? = nil, effect: String? = nil, tolerationSeconds: Int64? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// Known values of `effect`, in Kubernetes' order.
    public static let supportedEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
}

/// A pod template: the metadata and spec of pods a controller creates (`StatefulSet.spec.template`).
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    public var metadata: ObjectMeta?
    public var spec: PodSpec?

    public init(metadata: ObjectMeta? = nil, spec: PodSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// A template whose pods carry `labels` and run `containers`.
    public init(labels: [String: String], containers: [Container], volumes: [Volume]? = nil) {
        self.init(metadata: ObjectMeta(labels: labels), spec: PodSpec(volumes: volumes, containers: containers))
    }
}
