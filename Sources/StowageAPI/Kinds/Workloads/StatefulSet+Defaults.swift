// Defaults as Kubernetes fills them (pkg/apis/apps/v1/defaults.go SetDefaults_StatefulSet, plus the pod spec
// and claim defaults applied to the embedded template and claim templates).

extension StatefulSet {
    /// Fills Kubernetes' defaults: podManagementPolicy OrderedReady; updateStrategy RollingUpdate with
    /// partition 0; persistentVolumeClaimRetentionPolicy Retain/Retain; replicas 1; revisionHistoryLimit 10;
    /// the template's pod spec defaults; each claim template's defaults (volumeMode Filesystem).
    ///
    /// `rollingUpdate.maxUnavailable` is left unset, as Kubernetes does while its MaxUnavailableStatefulSet
    /// feature gate is off (the controller then treats it as 1).
    public mutating func applyDefaults() {
        if spec == nil { spec = StatefulSetSpec() }
        spec?.applyDefaults()
    }
}

extension StatefulSetSpec {
    /// See ``StatefulSet/applyDefaults()``.
    public mutating func applyDefaults() {
        if podManagementPolicy == nil || podManagementPolicy == "" { podManagementPolicy = PodManagementPolicy.orderedReady }
        var strategy = updateStrategy ?? StatefulSetUpdateStrategy()
        if strategy.type == nil || strategy.type == "" {
            strategy.type = StatefulSetUpdateStrategy.StrategyType.rollingUpdate
            if strategy.rollingUpdate == nil { strategy.rollingUpdate = RollingUpdateStatefulSetStrategy() }
        }
        if strategy.type == StatefulSetUpdateStrategy.StrategyType.rollingUpdate, strategy.rollingUpdate != nil,
           strategy.rollingUpdate?.partition == nil {
            strategy.rollingUpdate?.partition = 0
        }
        updateStrategy = strategy
        var retention = persistentVolumeClaimRetentionPolicy ?? StatefulSetPersistentVolumeClaimRetentionPolicy()
        if retention.whenDeleted == nil || retention.whenDeleted == "" {
            retention.whenDeleted = StatefulSetPersistentVolumeClaimRetentionPolicy.Policy.retain
        }
        if retention.whenScaled == nil || retention.whenScaled == "" {
            retention.whenScaled = StatefulSetPersistentVolumeClaimRetentionPolicy.Policy.retain
        }
        persistentVolumeClaimRetentionPolicy = retention
        if replicas == nil { replicas = 1 }
        if revisionHistoryLimit == nil { revisionHistoryLimit = 10 }
        if template == nil { template = PodTemplateSpec() }
        if template?.spec == nil { template?.spec = PodSpec() }
        template?.spec?.applyDefaults()
        if let claims = volumeClaimTemplates {
            volumeClaimTemplates = claims.map { claim in
                var claim = claim
                claim.applyDefaults()
                return claim
            }
        }
    }
}
