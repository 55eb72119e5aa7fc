/// `Pod.status`: the pod's phase, conditions, addresses and container states, written by the node agent.
public struct PodStatus: Codable, Sendable, Hashable {
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`; see ``Phase``.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var hostIP: String?
    public var hostIPs: [HostIP]?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: Timestamp?
    public var initContainerStatuses: [ContainerStatus]?
    public var containerStatuses: [ContainerStatus]?

    public init(
        phase: String? = nil, conditions: [PodCondition]? = nil, message: String? = nil, reason: String? = nil,
        hostIP: String? = nil, hostIPs: [HostIP]? = nil, podIP: String? = nil, podIPs: [PodIP]? = nil,
        startTime: Timestamp? = nil, initContainerStatuses: [ContainerStatus]? = nil,
        containerStatuses: [ContainerStatus]? = nil
    ) {
        self.phase = phase
        self.conditions = conditions
        self.message = message
        self.reason = reason
        self.hostIP = hostIP
        self.hostIPs = hostIPs
        self.podIP = podIP
        self.podIPs = podIPs
        self.startTime = startTime
        self.initContainerStatuses = initContainerStatuses
        self.containerStatuses = containerStatuses
    }

    /// Known values of `phase`.
    public enum Phase {
        public static let pending = "Pending"
        public static let running = "Running"
        public static let succeeded = "Succeeded"
        public static let failed = "Failed"
        public static let unknown = "Unknown"
    }

    /// The condition of type `type`, if present.
    public func condition(_ type: String) -> PodCondition? { conditions?.first { $0.type == type } }

    /// Whether the `Ready` condition is `True`.
    public var isReady: Bool { condition(PodCondition.ConditionType.ready)?.status == "True" }
}

/// One pod condition (`status.conditions[*]`).
public struct PodCondition: Codable, Sendable, Hashable {
    /// `PodScheduled`, `Initialized`, `ContainersReady`, `Ready`, ...; see ``ConditionType``.
    public var type: String?
    /// `True`, `False` or `Unknown`.
    public var status: String?
    public var lastProbeTime: Timestamp?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastProbeTime: Timestamp? = nil,
        lastTransitionTime: Timestamp? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// Known condition types.
    public enum ConditionType {
        public static let podScheduled = "PodScheduled"
        public static let initialized = "Initialized"
        public static let containersReady = "ContainersReady"
        public static let ready = "Ready"
    }
}

/// One address of the pod's host (`status.hostIPs[*]`).
public struct HostIP: Codable, Sendable, Hashable {
    public var ip: String?
    public init(ip: String? = nil) { self.ip = ip }
}

/// One address of the pod (`status.podIPs[*]`).
public struct PodIP: Codable, Sendable, Hashable {
    public var ip: String?
    public init(ip: String? = nil) { self.ip = ip }
}

/// The state of one container (`status.containerStatuses[*]`).
public struct ContainerStatus: Codable, Sendable, Hashable {
    public var name: String?
    public var state: ContainerState?
    public var lastState: ContainerState?
    public var ready: Bool?
    public var restartCount: Int32?
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?

    public init(
        name: String? = nil, state: ContainerState? = nil, lastState: ContainerState? = nil, ready: Bool? = nil,
        restartCount: Int32? = nil, image: String? = nil, imageID: String? = nil, containerID: String? = nil,
        started: Bool? = nil
    ) {
        self.name = name
        self.state = state
        self.lastState = lastState
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.imageID = imageID
        self.containerID = containerID
        self.started = started
    }
}

/// A container's state: at most one of `waiting`, `running`, `terminated`.
public struct ContainerState: Codable, Sendable, Hashable {
    public var waiting: ContainerStateWaiting?
    public var running: ContainerStateRunning?
    public var terminated: ContainerStateTerminated?

    public init(waiting: ContainerStateWaiting? = nil, running: ContainerStateRunning? = nil, terminated: ContainerStateTerminated? = nil) {
        self.waiting = waiting
        self.running = running
        self.terminated = terminated
    }
}

/// `state.waiting`: not yet running (`ContainerCreating`, `CrashLoopBackOff`, ...).
public struct ContainerStateWaiting: Codable, Sendable, Hashable {
    public var reason: String?
    public var message: String?
    public init(reason: String? = nil, message: String? = nil) {
        self.reason = reason
        self.message = message
    }
}

/// `state.running`: running since `startedAt`.
public struct ContainerStateRunning: Codable, Sendable, Hashable {
    public var startedAt: Timestamp?
    public init(startedAt: Timestamp? = nil) { self.startedAt = startedAt }
}

/// `state.terminated`: exited with `exitCode` (or killed by `signal`).
public struct ContainerStateTerminated: Codable, Sendable, Hashable {
    public var exitCode: Int32?
    public var signal: Int32?
    public var reason: String?
    public var message: String?
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var containerID: String?

    public init(
        exitCode: Int32? = nil, signal: Int32? = nil, reason: String? = nil, message: String? = nil,
        startedAt: Timestamp? = nil, finishedAt: Timestamp? = nil, containerID: String? = nil
    ) {
        self.exitCode = exitCode
        self.signal = signal
        self.reason = reason
        self.message = message
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.containerID = containerID
    }
}
