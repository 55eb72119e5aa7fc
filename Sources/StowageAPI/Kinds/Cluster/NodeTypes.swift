/// The nested types of a Node: taints, conditions, addresses, system info and attached volumes.

/// Kubernetes' `Taint`: repels pods that do not tolerate `key=value:effect`.
public struct Taint: Codable, Sendable, Hashable {
    public var key: String?
    public var value: String?
    /// A value from ``TaintEffect``; required.
    public var effect: String?
    /// When the taint was added (NoExecute taints only).
    public var timeAdded: Timestamp?

    public init(key: String?, value: String? = nil, effect: String?, timeAdded: Timestamp? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    /// Kubernetes' `validateNodeTaints`: qualified keys, label-like values, a supported effect, and each
    /// (key, effect) pair once.
    static func validate(_ taints: [Taint], path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var seen = Set<String>()
        for (index, taint) in taints.enumerated() {
            let itemPath = path.index(index)
            let key = taint.key ?? ""
            let effect = taint.effect ?? ""
            errors += StorageValidation.qualifiedName(key, itemPath.child("key"))
            let valueProblems = NameValidation.labelValue(taint.value ?? "")
            if !valueProblems.isEmpty {
                errors.append(.invalid(itemPath.child("value"), taint.value ?? "", valueProblems.joined(separator: ";")))
            }
            if effect.isEmpty {
                errors.append(.required(itemPath.child("effect")))
            } else if !TaintEffect.all.contains(effect) {
                errors.append(.notSupported(itemPath.child("effect"), effect, supported: TaintEffect.all))
            }
            if !seen.insert("\(effect)\u{0}\(key)").inserted {
                var error = FieldError.duplicate(itemPath, "\(key)=\(taint.value ?? ""):\(effect)")
                error.detail = "taints must be unique by key and effect pair"
                errors.append(error)
            }
        }
        return errors
    }
}

/// Values of ``Taint/effect``.
public enum TaintEffect {
    public static let noSchedule = "NoSchedule"
    public static let preferNoSchedule = "PreferNoSchedule"
    public static let noExecute = "NoExecute"
    /// Every supported effect, in Kubernetes' order.
    public static let all = [noSchedule, preferNoSchedule, noExecute]
}

/// Kubernetes' `NodeCondition`: `type` (`Ready`, …) and `status` (`True`/`False`/`Unknown`).
public struct NodeCondition: Codable, Sendable, Hashable {
    public var type: String?
    public var status: String?
    public var lastHeartbeatTime: Timestamp?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastHeartbeatTime: Timestamp? = nil,
        lastTransitionTime: Timestamp? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// Kubernetes' `NodeAddress`: `type` (`Hostname`, `InternalIP`, `ExternalIP`, …) and `address`.
public struct NodeAddress: Codable, Sendable, Hashable {
    public var type: String?
    public var address: String?

    public init(type: String? = nil, address: String? = nil) {
        self.type = type
        self.address = address
    }
}

/// Kubernetes' `NodeSystemInfo`.
public struct NodeSystemInfo: Codable, Sendable, Hashable {
    public var machineID: String?
    public var systemUUID: String?
    public var bootID: String?
    public var kernelVersion: String?
    public var osImage: String?
    public var containerRuntimeVersion: String?
    public var kubeletVersion: String?
    public var kubeProxyVersion: String?
    public var operatingSystem: String?
    public var architecture: String?

    public init(
        machineID: String? = nil, systemUUID: String? = nil, bootID: String? = nil, kernelVersion: String? = nil,
        osImage: String? = nil, containerRuntimeVersion: String? = nil, kubeletVersion: String? = nil,
        kubeProxyVersion: String? = nil, operatingSystem: String? = nil, architecture: String? = nil
    ) {
        self.machineID = machineID
        self.systemUUID = systemUUID
        self.bootID = bootID
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.containerRuntimeVersion = containerRuntimeVersion
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = kubeProxyVersion
        self.operatingSystem = operatingSystem
        self.architecture = architecture
    }
}

/// Kubernetes' `AttachedVolume`: a volume attached to a node and the device it appeared as.
public struct AttachedVolume: Codable, Sendable, Hashable {
    public var name: String?
    public var devicePath: String?

    public init(name: String? = nil, devicePath: String? = nil) {
        self.name = name
        self.devicePath = devicePath
    }
}
