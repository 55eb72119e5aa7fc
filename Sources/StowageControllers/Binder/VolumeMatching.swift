import StowageAPI

/// The rules of `spec/kubernetes-semantics.md` §1 as pure functions, shared by the index (choosing a volume for
/// a claim) and the binder (checking a volume a user named).
enum VolumeMatching {
    /// Why `volume` cannot serve `claim`, in the words Kubernetes' binder uses; nil when it can. The selector is
    /// not checked (pre-binding skips it).
    static func mismatch(_ volume: PersistentVolume, for claim: PersistentVolumeClaim) -> String? {
        let request = claim.storageRequest ?? Quantity(bytes: 0)
        guard let capacity = volume.storageCapacity, capacity >= request else { return "requested PV is too small" }
        if (volume.spec?.storageClassName ?? "") != (claim.spec?.storageClassName ?? "") {
            return "storageClassName does not match"
        }
        if volume.spec?.effectiveVolumeMode != claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem {
            return "incompatible volumeMode"
        }
        if !accessModesSatisfied(claim.spec?.accessModes ?? [], by: volume.spec?.accessModes ?? []) {
            return "incompatible accessMode"
        }
        return nil
    }

    /// Rule 6: every mode the claim asks for is among the volume's.
    static func accessModesSatisfied(_ wanted: [String], by offered: [String]) -> Bool {
        wanted.allSatisfy(offered.contains)
    }

    /// Whether `claimRef` names `claim` (same namespace and name, and the same uid when the ref carries one).
    static func reference(_ claimRef: ObjectReference?, names claim: PersistentVolumeClaim) -> Bool {
        guard let claimRef, claimRef.name == claim.metadata.name,
              (claimRef.namespace ?? "default") == (claim.metadata.namespace ?? "default") else { return false }
        if let uid = claimRef.uid, !uid.isEmpty { return uid == claim.metadata.uid }
        return true
    }

    /// Rule 5's selector: matchLabels and matchExpressions against the volume's labels. A selector that does
    /// not compile matches nothing.
    static func selector(of claim: PersistentVolumeClaim, matches volume: PersistentVolume) -> Bool {
        guard let selector = claim.spec?.selector else { return true }
        return (try? selector.matches(volume.metadata.labels)) ?? false
    }

    /// Rule 7: whether the volume's `nodeAffinity` admits a node with these labels (no affinity admits all).
    static func nodeAffinity(of volume: PersistentVolume, admits node: Node) -> Bool {
        guard let terms = volume.spec?.nodeAffinity?.required?.nodeSelectorTerms, !terms.isEmpty else { return true }
        return terms.contains { term in NodeSelectorMatching.term(term, matches: node) }
    }
}

/// Node selector terms evaluated against a Node's labels and name (`matchFields` knows `metadata.name`).
enum NodeSelectorMatching {
    static func term(_ term: NodeSelectorTerm, matches node: Node) -> Bool {
        let expressions = term.matchExpressions ?? []
        let fields = term.matchFields ?? []
        if expressions.isEmpty && fields.isEmpty { return false }
        let labels = node.metadata.labels ?? [:]
        return expressions.allSatisfy { requirement($0, value: labels[$0.key]) }
            && fields.allSatisfy { $0.key == "metadata.name" && requirement($0, value: node.metadata.name) }
    }

    static func requirement(_ requirement: NodeSelectorRequirement, value: String?) -> Bool {
        let values = requirement.values ?? []
        switch requirement.operator {
        case "In": return value.map(values.contains) ?? false
        case "NotIn": return !(value.map(values.contains) ?? false)
        case "Exists": return value != nil
        case "DoesNotExist": return value == nil
        case "Gt", "Lt":
            guard let value, let number = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else { return false }
            return requirement.operator == "Gt" ? number > bound : number < bound
        default: return false
        }
    }
}
