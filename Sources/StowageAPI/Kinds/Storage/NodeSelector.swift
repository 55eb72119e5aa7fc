/// Node selection terms: a PersistentVolume's `nodeAffinity` and a StorageClass's `allowedTopologies`.

/// Kubernetes' `VolumeNodeAffinity`: the nodes a PersistentVolume can be used from.
public struct VolumeNodeAffinity: Codable, Sendable, Hashable {
    /// Nodes must satisfy this selector.
    public var required: NodeSelector?

    public init(required: NodeSelector? = nil) { self.required = required }
}

/// Kubernetes' `NodeSelector`: the terms are ORed; a node matches when it matches any term.
public struct NodeSelector: Codable, Sendable, Hashable {
    public var nodeSelectorTerms: [NodeSelectorTerm]?

    public init(nodeSelectorTerms: [NodeSelectorTerm]? = nil) { self.nodeSelectorTerms = nodeSelectorTerms }
}

/// Kubernetes' `NodeSelectorTerm`: the requirements are ANDed.
public struct NodeSelectorTerm: Codable, Sendable, Hashable {
    /// Requirements on node labels.
    public var matchExpressions: [NodeSelectorRequirement]?
    /// Requirements on node fields (only `metadata.name`).
    public var matchFields: [NodeSelectorRequirement]?

    public init(matchExpressions: [NodeSelectorRequirement]? = nil, matchFields: [NodeSelectorRequirement]? = nil) {
        self.matchExpressions = matchExpressions
        self.matchFields = matchFields
    }
}

/// Kubernetes' `NodeSelectorRequirement`: `key`, an operator from ``NodeSelectorOperator`` and `values`.
public struct NodeSelectorRequirement: Codable, Sendable, Hashable {
    public var key: String
    public var `operator`: String
    public var values: [String]?

    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }
}

/// Values of ``NodeSelectorRequirement/operator``.
public enum NodeSelectorOperator {
    public static let `in` = "In"
    public static let notIn = "NotIn"
    public static let exists = "Exists"
    public static let doesNotExist = "DoesNotExist"
    public static let gt = "Gt"
    public static let lt = "Lt"
}

/// Kubernetes' `TopologySelectorTerm` (StorageClass `allowedTopologies`): the requirements are ANDed.
public struct TopologySelectorTerm: Codable, Sendable, Hashable {
    public var matchLabelExpressions: [TopologySelectorLabelRequirement]?

    public init(matchLabelExpressions: [TopologySelectorLabelRequirement]? = nil) {
        self.matchLabelExpressions = matchLabelExpressions
    }
}

/// Kubernetes' `TopologySelectorLabelRequirement`: the label `key` must have one of `values`.
public struct TopologySelectorLabelRequirement: Codable, Sendable, Hashable {
    public var key: String
    public var values: [String]?

    public init(key: String, values: [String]? = nil) {
        self.key = key
        self.values = values
    }
}
