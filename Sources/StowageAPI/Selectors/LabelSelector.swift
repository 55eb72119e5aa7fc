/// The structured label selector of Kubernetes manifests (`matchLabels` + `matchExpressions`).
///
/// Semantics (Kubernetes'): all `matchLabels` and all `matchExpressions` must hold; an empty selector (`{}`)
/// matches every object. What a *missing* (nil) selector means depends on the field: see
/// ``LabelSelectorQuery/compile(_:)``.
public struct LabelSelector: Codable, Sendable, Hashable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: [String: String]?
    /// Expressions that must all hold.
    public var matchExpressions: [LabelSelectorRequirement]?

    /// A selector from labels and expressions.
    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// The operators `matchExpressions` accept.
    public static let operators = ["In", "NotIn", "Exists", "DoesNotExist"]

    /// Whether the selector has neither labels nor expressions (and so matches everything).
    public var isEmpty: Bool { (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty }

    /// Validates the selector as Kubernetes' `ValidateLabelSelector` does, with paths under `path`:
    /// `matchLabels` keys and values, and per expression: `values` required for In/NotIn
    /// (`Required value: must be specified when `operator` is 'In' or 'NotIn'`), forbidden for
    /// Exists/DoesNotExist, an unknown operator (`Invalid value: "Foo": not a valid selector operator`), the key
    /// a qualified name and each value a label value.
    public func validate(path: FieldPath) -> [FieldError] {
        var errors = ObjectMetaValidation.validateLabels(matchLabels, path.child("matchLabels"))
        for (index, expression) in (matchExpressions ?? []).enumerated() {
            errors += expression.validate(path: path.child("matchExpressions").index(index))
        }
        return errors
    }

    /// Whether an object with `labels` is selected. Throws when the selector is invalid.
    public func matches(_ labels: [String: String]?) throws(LabelSelectorError) -> Bool {
        try LabelSelectorQuery(self).matches(labels)
    }
}

/// One `matchExpressions` entry: `key`, `operator` (In, NotIn, Exists, DoesNotExist) and `values`.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    /// The label key.
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public var `operator`: String
    /// The values for In/NotIn; must be empty for Exists/DoesNotExist.
    public var values: [String]?

    /// An expression; `operator` is one of ``LabelSelector/operators``.
    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// Kubernetes' `ValidateLabelSelectorRequirement`, with paths under `path` (`...matchExpressions[0]`).
    public func validate(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let values = values ?? []
        switch `operator` {
        case "In", "NotIn":
            if values.isEmpty {
                errors.append(.required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
            }
        case "Exists", "DoesNotExist":
            if !values.isEmpty {
                errors.append(.forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
            }
        default:
            errors.append(.invalid(path.child("operator"), `operator`, "not a valid selector operator"))
        }
        errors += NameValidation.qualifiedName(key).map { .invalid(path.child("key"), key, $0) }
        for (index, value) in values.enumerated() {
            errors += NameValidation.labelValue(value).map { .invalid(path.child("values").index(index), value, $0) }
        }
        return errors
    }
}
