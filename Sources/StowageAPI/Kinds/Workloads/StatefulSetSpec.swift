/// `StatefulSet.spec`. Equatable rather than Hashable because `PersistentVolumeClaim`, an API object, is only
/// Equatable.
public struct StatefulSetSpec: Codable, Sendable, Equatable {
    /// Defaults to 1.
    public var replicas: Int32?
    /// Required; must match the template's labels.
    public var selector: LabelSelector?
    public var template: PodTemplateSpec?
    /// Claims each pod gets, one per template, named `<template>-<set>-<ordinal>`.
    public var volumeClaimTemplates: [PersistentVolumeClaim]?
    /// The governing service; each pod's `subdomain`.
    public var serviceName: String?
    /// `OrderedReady` (default) or `Parallel`; see ``PodManagementPolicy``.
    public var podManagementPolicy: String?
    public var updateStrategy: StatefulSetUpdateStrategy?
    /// Defaults to 10.
    public var revisionHistoryLimit: Int32?
    /// Defaults to 0.
    public var minReadySeconds: Int32?
    /// What happens to the claims when the set is deleted or scaled down; defaults to Retain/Retain.
    public var persistentVolumeClaimRetentionPolicy: StatefulSetPersistentVolumeClaimRetentionPolicy?
    public var ordinals: StatefulSetOrdinals?

    public init(
        replicas: Int32? = nil, selector: LabelSelector? = nil, template: PodTemplateSpec? = nil,
        volumeClaimTemplates: [PersistentVolumeClaim]? = nil, serviceName: String? = nil,
        podManagementPolicy: String? = nil, updateStrategy: StatefulSetUpdateStrategy? = nil,
        revisionHistoryLimit: Int32? = nil, minReadySeconds: Int32? = nil,
        persistentVolumeClaimRetentionPolicy: StatefulSetPersistentVolumeClaimRetentionPolicy? = nil,
        ordinals: StatefulSetOrdinals? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.volumeClaimTemplates = volumeClaimTemplates
        self.serviceName = serviceName
        self.podManagementPolicy = podManagementPolicy
        self.updateStrategy = updateStrategy
        self.revisionHistoryLimit = revisionHistoryLimit
        self.minReadySeconds = minReadySeconds
        self.persistentVolumeClaimRetentionPolicy = persistentVolumeClaimRetentionPolicy
        self.ordinals = ordinals
    }

    /// Known values of `podManagementPolicy`.
    public enum PodManagementPolicy {
        public static let orderedReady = "OrderedReady"
        public static let parallel = "Parallel"
    }
}

/// `spec.updateStrategy`: how template changes roll out.
public struct StatefulSetUpdateStrategy: Codable, Sendable, Hashable {
    /// `RollingUpdate` (default) or `OnDelete`; see ``StrategyType``.
    public var type: String?
    public var rollingUpdate: RollingUpdateStatefulSetStrategy?

    public init(type: String? = nil, rollingUpdate: RollingUpdateStatefulSetStrategy? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }

    /// Known values of `type`.
    public enum StrategyType {
        public static let rollingUpdate = "RollingUpdate"
        public static let onDelete = "OnDelete"
    }
}

/// `spec.updateStrategy.rollingUpdate`.
public struct RollingUpdateStatefulSetStrategy: Codable, Sendable, Hashable {
    /// Pods with an ordinal below `partition` keep the old revision. Defaults to 0.
    public var partition: Int32?
    /// How many pods may be unavailable during the update: a number (at least 1) or a percentage.
    public var maxUnavailable: IntOrString?

    public init(partition: Int32? = nil, maxUnavailable: IntOrString? = nil) {
        self.partition = partition
        self.maxUnavailable = maxUnavailable
    }
}

/// `spec.persistentVolumeClaimRetentionPolicy`: `Retain` or `Delete` for each event.
public struct StatefulSetPersistentVolumeClaimRetentionPolicy: Codable, Sendable, Hashable {
    /// What happens to the claims when the set is deleted.
    public var whenDeleted: String?
    /// What happens to a condemned pod's claims when the set is scaled down.
    public var whenScaled: String?

    public init(whenDeleted: String? = nil, whenScaled: String? = nil) {
        self.whenDeleted = whenDeleted
        self.whenScaled = whenScaled
    }

    /// Known policy values.
    public enum Policy {
        public static let retain = "Retain"
        public static let delete = "Delete"
    }
}

/// `spec.ordinals`: where pod numbering starts.
public struct StatefulSetOrdinals: Codable, Sendable, Hashable {
    /// The first ordinal; defaults to 0.
    public var start: Int32?
    public init(start: Int32? = nil) { self.start = start }
}
