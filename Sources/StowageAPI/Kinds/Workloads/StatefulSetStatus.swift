/// `StatefulSet.status`, written by the StatefulSet controller.
public struct StatefulSetStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var replicas: Int32?
    public var readyReplicas: Int32?
    public var currentReplicas: Int32?
    public var updatedReplicas: Int32?
    public var availableReplicas: Int32?
    public var currentRevision: String?
    public var updateRevision: String?
    public var collisionCount: Int32?
    public var conditions: [StatefulSetCondition]?

    public init(
        observedGeneration: Int64? = nil, replicas: Int32? = nil, readyReplicas: Int32? = nil,
        currentReplicas: Int32? = nil, updatedReplicas: Int32? = nil, availableReplicas: Int32? = nil,
        currentRevision: String? = nil, updateRevision: String? = nil, collisionCount: Int32? = nil,
        conditions: [StatefulSetCondition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.currentReplicas = currentReplicas
        self.updatedReplicas = updatedReplicas
        self.availableReplicas = availableReplicas
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.collisionCount = collisionCount
        self.conditions = conditions
    }
}

/// One condition of a StatefulSet (`status.conditions[*]`).
public struct StatefulSetCondition: Codable, Sendable, Hashable {
    public var type: String?
    /// `True`, `False` or `Unknown`.
    public var status: String?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(type: String? = nil, status: String? = nil, lastTransitionTime: Timestamp? = nil, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}
