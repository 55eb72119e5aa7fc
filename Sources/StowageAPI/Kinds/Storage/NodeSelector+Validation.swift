/// Validation of node selectors and topology terms, with Kubernetes' messages (`ValidateNodeSelector`,
/// `ValidateTopologySelectorTerm`).

extension VolumeNodeAffinity {
    /// Kubernetes' `validateVolumeNodeAffinity`: `required` must be present and valid.
    public func validate(path: FieldPath) -> [FieldError] {
        guard let required else {
            return [.required(path.child("required"), "must specify required node constraints")]
        }
        return required.validate(path: path.child("required"))
    }
}

extension NodeSelector {
    /// Kubernetes' `ValidateNodeSelector`: at least one term, each valid.
    public func validate(path: FieldPath) -> [FieldError] {
        let termsPath = path.child("nodeSelectorTerms")
        let terms = nodeSelectorTerms ?? []
        if terms.isEmpty { return [.required(termsPath, "must have at least one node selector term")] }
        return terms.enumerated().flatMap { $1.validate(path: termsPath.index($0)) }
    }
}

extension NodeSelectorTerm {
    /// Kubernetes' `ValidateNodeSelectorTerm`: every label and field requirement valid.
    public func validate(path: FieldPath) -> [FieldError] {
        let labels = (matchExpressions ?? []).enumerated().flatMap {
            $1.validateLabelRequirement(path: path.child("matchExpressions").index($0))
        }
        let fields = (matchFields ?? []).enumerated().flatMap {
            $1.validateFieldRequirement(path: path.child("matchFields").index($0))
        }
        return labels + fields
    }
}

extension NodeSelectorRequirement {
    /// Kubernetes' `ValidateNodeSelectorRequirement` for a label requirement.
    public func validateLabelRequirement(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let count = values?.count ?? 0
        switch `operator` {
        case NodeSelectorOperator.in, NodeSelectorOperator.notIn:
            if count == 0 {
                errors.append(.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
            }
        case NodeSelectorOperator.exists, NodeSelectorOperator.doesNotExist:
            if count > 0 {
                errors.append(.forbidden(
                    path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
            }
        case NodeSelectorOperator.gt, NodeSelectorOperator.lt:
            if count != 1 {
                errors.append(.required(
                    path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
            }
        default:
            errors.append(.invalid(path.child("operator"), `operator`, "not a valid selector operator"))
        }
        errors += StorageValidation.qualifiedName(key, path.child("key"))
        for (index, value) in (values ?? []).enumerated() {
            errors += NameValidation.labelValue(value).map { .invalid(path.child("values").index(index), value, $0) }
        }
        return errors
    }

    /// Kubernetes' `ValidateNodeFieldSelectorRequirement`: `In`/`NotIn` with one value, on `metadata.name` only.
    public func validateFieldRequirement(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        switch `operator` {
        case NodeSelectorOperator.in, NodeSelectorOperator.notIn:
            if values?.count != 1 {
                errors.append(.required(
                    path.child("values"),
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
            }
        default:
            errors.append(.invalid(path.child("operator"), `operator`, "not a valid selector operator"))
        }
        if key != "metadata.name" {
            errors.append(.invalid(path.child("key"), key, "not a valid field selector key"))
        } else {
            for (index, value) in (values ?? []).enumerated() {
                errors += NameValidation.dns1123Subdomain(value).map {
                    .invalid(path.child("values").index(index), value, $0)
                }
            }
        }
        return errors
    }
}

extension TopologySelectorTerm {
    /// Kubernetes' `ValidateTopologySelectorTerm`: each requirement has values, no duplicate values, a qualified
    /// key, and no key twice.
    public func validate(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var keys = Set<String>()
        for (index, requirement) in (matchLabelExpressions ?? []).enumerated() {
            let itemPath = path.child("matchLabelExpressions").index(index)
            let valuesPath = itemPath.child("values")
            let values = requirement.values ?? []
            if values.isEmpty { errors.append(.required(valuesPath)) }
            var seen = Set<String>()
            for (valueIndex, value) in values.enumerated() where !seen.insert(value).inserted {
                errors.append(.duplicate(valuesPath.index(valueIndex), value))
            }
            errors += StorageValidation.qualifiedName(requirement.key, itemPath.child("key"))
            if !keys.insert(requirement.key).inserted {
                errors.append(.duplicate(itemPath.child("key"), requirement.key))
            }
        }
        return errors
    }

    /// The term as key -> set of values, for comparing terms regardless of order.
    var valueSets: [String: Set<String>] {
        var sets: [String: Set<String>] = [:]
        for requirement in matchLabelExpressions ?? [] { sets[requirement.key] = Set(requirement.values ?? []) }
        return sets
    }
}
