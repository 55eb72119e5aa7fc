// Helpers for StatefulSet validation: selector matching and values printed the way Kubernetes prints them
// (Go's `%#v`), so error messages read exactly like the API server's.

extension StatefulSetSpec {
    /// Whether `selector` selects `labels`.
    /// TODO(selectors merge): use the selectors helper's matcher; this covers matchLabels and the four
    /// matchExpressions operators, with an unknown operator never matching.
    static func selector(_ selector: LabelSelector, matches labels: [String: String]) -> Bool {
        for (key, value) in selector.matchLabels ?? [:] where labels[key] != value { return false }
        for requirement in selector.matchExpressions ?? [] {
            let values = requirement.values ?? []
            let present = labels[requirement.key]
            switch requirement.operator {
            case "In": guard let present, values.contains(present) else { return false }
            case "NotIn": if let present, values.contains(present) { return false }
            case "Exists": if present == nil { return false }
            case "DoesNotExist": if present != nil { return false }
            default: return false
            }
        }
        return true
    }

    static func goSelector(_ selector: LabelSelector) -> String {
        let labels = selector.matchLabels.map { WorkloadValidation.goStringMap($0) } ?? "map[string]string(nil)"
        let expressions: String
        if let list = selector.matchExpressions {
            let items = list.map { requirement in
                let values = requirement.values.map { "[]string{" + $0.map(FieldError.quoted).joined(separator: ", ") + "}" } ?? "[]string(nil)"
                return "v1.LabelSelectorRequirement{Key:\(FieldError.quoted(requirement.key)), Operator:\(FieldError.quoted(requirement.operator)), Values:\(values)}"
            }
            expressions = "[]v1.LabelSelectorRequirement{" + items.joined(separator: ", ") + "}"
        } else {
            expressions = "[]v1.LabelSelectorRequirement(nil)"
        }
        return "v1.LabelSelector{MatchLabels:\(labels), MatchExpressions:\(expressions)}"
    }

    static func goRollingUpdate(_ rolling: RollingUpdateStatefulSetStrategy) -> String {
        let maxUnavailable = rolling.maxUnavailable.map { "&" + WorkloadValidation.goIntOrString($0) } ?? "(*intstr.IntOrString)(nil)"
        return "apps.RollingUpdateStatefulSetStrategy{Partition:\(rolling.partition ?? 0), MaxUnavailable:\(maxUnavailable)}"
    }

    static func goStrategy(_ strategy: StatefulSetUpdateStrategy) -> String {
        let rolling = strategy.rollingUpdate.map { "&" + goRollingUpdate($0) } ?? "(*apps.RollingUpdateStatefulSetStrategy)(nil)"
        return "apps.StatefulSetUpdateStrategy{Type:\(FieldError.quoted(strategy.type ?? "")), RollingUpdate:\(rolling)}"
    }
}
