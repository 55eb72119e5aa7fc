/// One container of a pod (`spec.containers[*]`, `spec.initContainers[*]`). Stowage runs `command` + `args` as a
/// host process with the container's volume mounts; `image` is kept for Kubernetes compatibility.
public struct Container: Codable, Sendable, Hashable {
    public var name: String?
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var ports: [ContainerPort]?
    public var env: [EnvVar]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var volumeDevices: [VolumeDevice]?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    /// `Always`, `IfNotPresent` or `Never`; see ``PullPolicy``.
    public var imagePullPolicy: String?
    public var securityContext: SecurityContext?
    public var stdin: Bool?
    public var tty: Bool?

    public init(
        name: String? = nil, image: String? = nil, command: [String]? = nil, args: [String]? = nil,
        workingDir: String? = nil, ports: [ContainerPort]? = nil, env: [EnvVar]? = nil,
        resources: ResourceRequirements? = nil, volumeMounts: [VolumeMount]? = nil,
        volumeDevices: [VolumeDevice]? = nil, livenessProbe: Probe? = nil, readinessProbe: Probe? = nil,
        startupProbe: Probe? = nil, imagePullPolicy: String? = nil, securityContext: SecurityContext? = nil,
        stdin: Bool? = nil, tty: Bool? = nil
    ) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.ports = ports
        self.env = env
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.volumeDevices = volumeDevices
        self.livenessProbe = livenessProbe
        self.readinessProbe = readinessProbe
        self.startupProbe = startupProbe
        self.imagePullPolicy = imagePullPolicy
        self.securityContext = securityContext
        self.stdin = stdin
        self.tty = tty
    }

    /// Known values of `imagePullPolicy`.
    public enum PullPolicy {
        public static let always = "Always"
        public static let ifNotPresent = "IfNotPresent"
        public static let never = "Never"
        /// Every supported value, sorted as Kubernetes lists them in errors.
        public static let all = [always, ifNotPresent, never]
    }
}

/// A port a container exposes (`ports[*]`).
public struct ContainerPort: Codable, Sendable, Hashable {
    public var name: String?
    public var hostPort: Int32?
    public var containerPort: Int32?
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: String?
    public var hostIP: String?

    public init(name: String? = nil, containerPort: Int32? = nil, protocol: String? = nil, hostPort: Int32? = nil, hostIP: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
        self.hostPort = hostPort
        self.hostIP = hostIP
    }

    /// Known values of `protocol`, sorted as Kubernetes lists them in errors.
    public static let supportedProtocols = ["SCTP", "TCP", "UDP"]
}

/// An environment variable (`env[*]`): a literal `value` or a `valueFrom.fieldRef`.
public struct EnvVar: Codable, Sendable, Hashable {
    public var name: String?
    public var value: String?
    public var valueFrom: EnvVarSource?

    public init(name: String? = nil, value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// `env[*].valueFrom`. Only `fieldRef` is modeled (configMap and secret keys are not).
public struct EnvVarSource: Codable, Sendable, Hashable {
    public var fieldRef: ObjectFieldSelector?
    public init(fieldRef: ObjectFieldSelector? = nil) { self.fieldRef = fieldRef }
}

/// A field of the pod, such as `metadata.name` (`fieldRef`).
public struct ObjectFieldSelector: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var fieldPath: String?
    public init(apiVersion: String? = nil, fieldPath: String? = nil) {
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }
}

/// Compute resources of a container (`resources`): `limits` and `requests` by resource name.
public struct ResourceRequirements: Codable, Sendable, Hashable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?
    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

/// A container's security settings (`securityContext`), the subset Stowage's runtime can honour.
public struct SecurityContext: Codable, Sendable, Hashable {
    public var runAsUser: Int64?
    public var runAsGroup: Int64?
    public var runAsNonRoot: Bool?
    public var privileged: Bool?
    public var readOnlyRootFilesystem: Bool?
    public var allowPrivilegeEscalation: Bool?

    public init(
        runAsUser: Int64? = nil, runAsGroup: Int64? = nil, runAsNonRoot: Bool? = nil, privileged: Bool? = nil,
        readOnlyRootFilesystem: Bool? = nil, allowPrivilegeEscalation: Bool? = nil
    ) {
        self.runAsUser = runAsUser
        self.runAsGroup = runAsGroup
        self.runAsNonRoot = runAsNonRoot
        self.privileged = privileged
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.allowPrivilegeEscalation = allowPrivilegeEscalation
    }
}
