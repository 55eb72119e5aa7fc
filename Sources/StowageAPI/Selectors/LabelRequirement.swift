/// One condition of a label selector: `env in (dev,prod)`, `tier!=front`, `!legacy`, `app`.
public struct LabelRequirement: Sendable, Hashable, CustomStringConvertible {
    /// The comparison a requirement makes, spelled as in the string form.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    /// The label key.
    public let key: String
    /// The comparison.
    public let `operator`: Operator
    /// The values, sorted and without duplicates.
    public let values: [String]

    /// A validated requirement, with Kubernetes' `NewRequirement` rules: the key must be a qualified name,
    /// `in`/`notin` need at least one value, `=`/`==`/`!=` exactly one, `exists`/`!` none, `gt`/`lt` one integer;
    /// every value must be a valid label value.
    /// - Throws: ``LabelSelectorError`` listing every problem (`key: Invalid value: ...`).
    public init(key: String, operator: Operator, values: [String] = []) throws(LabelSelectorError) {
        var errors: [FieldError] = []
        let keyProblems = NameValidation.qualifiedName(key)
        if !keyProblems.isEmpty {
            errors.append(.invalid("key", key, keyProblems.joined(separator: "; ")))
        }
        let valuesPath = FieldPath("values")
        let shown = "[]string{" + values.map(FieldError.quoted).joined(separator: ", ") + "}"
        switch `operator` {
        case .in, .notIn:
            if values.isEmpty {
                errors.append(FieldError(.invalid, valuesPath, value: shown, detail: "for 'in', 'notin' operators, values set can't be empty"))
            }
        case .equals, .doubleEquals, .notEquals:
            if values.count != 1 {
                errors.append(FieldError(.invalid, valuesPath, value: shown, detail: "exact-match compatibility requires one single value"))
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                errors.append(FieldError(.invalid, valuesPath, value: shown, detail: "values set must be empty for exists and does not exist"))
            }
        case .greaterThan, .lessThan:
            if values.count != 1 {
                errors.append(FieldError(.invalid, valuesPath, value: shown, detail: "for 'Gt', 'Lt' operators, exactly one value is required"))
            }
            for (index, value) in values.enumerated() where Int64(value) == nil {
                errors.append(.invalid(valuesPath.index(index), value, "for 'Gt', 'Lt' operators, the value must be an integer"))
            }
        }
        for (index, value) in values.enumerated() {
            let problems = NameValidation.labelValue(value)
            if !problems.isEmpty {
                errors.append(.invalid(valuesPath.index(index).key(key), value, problems.joined(separator: "; ")))
            }
        }
        if !errors.isEmpty { throw LabelSelectorError(errors: errors) }
        self.key = key
        self.operator = `operator`
        self.values = Array(Set(values)).sorted()
    }

    /// Whether `labels` satisfy this requirement. A missing label satisfies `!=`, `notin` and `!`, and nothing
    /// else; `gt`/`lt` need a label whose value is an integer.
    public func matches(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch `operator` {
        case .equals, .doubleEquals, .in:
            guard let value else { return false }
            return values.contains(value)
        case .notEquals, .notIn:
            guard let value else { return true }
            return !values.contains(value)
        case .exists:
            return value != nil
        case .doesNotExist:
            return value == nil
        case .greaterThan, .lessThan:
            guard let value, let actual = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else { return false }
            return `operator` == .greaterThan ? actual > bound : actual < bound
        }
    }

    /// The string form: `!legacy`, `app`, `tier!=front`, `env in (dev,prod)`, `size>3`.
    public var description: String {
        switch `operator` {
        case .doesNotExist: return "!" + key
        case .exists: return key
        case .in: return key + " in (" + values.joined(separator: ",") + ")"
        case .notIn: return key + " notin (" + values.joined(separator: ",") + ")"
        case .greaterThan: return key + ">" + values.joined(separator: ",")
        case .lessThan: return key + "<" + values.joined(separator: ",")
        case .equals, .doubleEquals, .notEquals: return key + `operator`.rawValue + values.joined(separator: ",")
        }
    }
}

/// Why a label selector is not valid: the field errors, printed as Kubernetes aggregates them
/// (`key: Invalid value: "a b": ...`, several in brackets separated by `, `).
public struct LabelSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems found.
    public var errors: [FieldError]

    /// Wraps the problems found.
    public init(errors: [FieldError]) { self.errors = errors }

    public var description: String {
        errors.count == 1 ? errors[0].description : "[" + errors.map(\.description).joined(separator: ", ") + "]"
    }
}
