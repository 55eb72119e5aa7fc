/// How a strategic merge patch treats a list, after the `patchStrategy` and `patchMergeKey` tags of the
/// Kubernetes types Stowage models.
public enum ListMergeStrategy: Sendable, Hashable {
    /// The patch's list replaces the object's (no strategy: `accessModes`, `volumeClaimTemplates`, `args`, …).
    case replace
    /// Elements merge by the value of this key (`containers` by `name`).
    case mergeByKey(String)
    /// A list of scalars merged as a set (`finalizers`).
    case mergePrimitives
}

/// The merge strategies of the lists in Stowage's kinds, looked up by field name. Stowage's kinds never use one
/// field name for two lists with different strategies, so the name alone decides (`ports` is only a
/// container's, `volumes` only a pod's).
public enum StrategicMergeKeys {
    static let strategies: [String: ListMergeStrategy] = [
        // ObjectMeta
        "finalizers": .mergePrimitives,
        "ownerReferences": .mergeByKey("uid"),
        // PodSpec
        "containers": .mergeByKey("name"),
        "initContainers": .mergeByKey("name"),
        "ephemeralContainers": .mergeByKey("name"),
        "volumes": .mergeByKey("name"),
        "imagePullSecrets": .mergeByKey("name"),
        "hostAliases": .mergeByKey("ip"),
        "topologySpreadConstraints": .mergeByKey("topologyKey"),
        "resourceClaims": .mergeByKey("name"),
        "schedulingGates": .mergeByKey("name"),
        // Container
        "env": .mergeByKey("name"),
        "ports": .mergeByKey("containerPort"),
        "volumeMounts": .mergeByKey("mountPath"),
        "volumeDevices": .mergeByKey("devicePath"),
        // Status of pods, claims, nodes, sets
        "conditions": .mergeByKey("type"),
        "podIPs": .mergeByKey("ip"),
        "hostIPs": .mergeByKey("ip"),
        "addresses": .mergeByKey("type"),
    ]

    /// The strategy of the list in field `name` (of any kind Stowage models; `kind` is for future exceptions).
    public static func strategy(forField name: String, kind: String) -> ListMergeStrategy {
        strategies[name] ?? .replace
    }
}
