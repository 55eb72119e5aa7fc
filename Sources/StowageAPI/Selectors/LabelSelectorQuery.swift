/// A compiled label selector: the requirements every matching object's labels satisfy. Built from the string
/// form (`?labelSelector=env in (dev,prod),!legacy`) or from a structured ``LabelSelector``.
public struct LabelSelectorQuery: Sendable, Hashable, CustomStringConvertible {
    /// The requirements, sorted by key (stable), all of which must hold.
    public let requirements: [LabelRequirement]
    /// Whether this is Kubernetes' "nothing" selector, which matches no object (see ``nothing``).
    public let matchesNothing: Bool

    /// Matches every object (no requirements).
    public static let everything = LabelSelectorQuery(requirements: [], matchesNothing: false)
    /// Matches no object: what a nil structured selector means where Kubernetes says so.
    public static let nothing = LabelSelectorQuery(requirements: [], matchesNothing: true)

    /// A query of `requirements`, sorted by key.
    public init(requirements: [LabelRequirement]) {
        self.init(requirements: requirements, matchesNothing: false)
    }

    private init(requirements: [LabelRequirement], matchesNothing: Bool) {
        self.requirements = requirements.enumerated()
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element)
        self.matchesNothing = matchesNothing
    }

    /// Parses the string form (`env in (dev,prod),tier!=front,!legacy,app,x=y,x==y,z notin (a),n>3`).
    /// Whitespace between tokens is ignored; the empty string matches everything.
    /// - Throws: ``LabelSelectorParseError`` naming the bad token and its position.
    public init(parsing text: String) throws(LabelSelectorParseError) {
        self.init(requirements: try LabelSelectorParser.parse(text))
    }

    /// Compiles a structured selector (Kubernetes' `LabelSelectorAsSelector`): `matchLabels` become `key=value`
    /// requirements, `matchExpressions` In/NotIn/Exists/DoesNotExist. An empty selector (no labels, no
    /// expressions) matches everything.
    /// - Throws: ``LabelSelectorError`` for an unknown operator or an invalid key or value; run
    ///   ``LabelSelector/validate(path:)`` first for messages with field paths.
    public init(_ selector: LabelSelector) throws(LabelSelectorError) {
        var requirements: [LabelRequirement] = []
        for key in (selector.matchLabels ?? [:]).keys.sorted() {
            requirements.append(try LabelRequirement(key: key, operator: .equals, values: [selector.matchLabels?[key] ?? ""]))
        }
        for expression in selector.matchExpressions ?? [] {
            let op: LabelRequirement.Operator
            switch expression.operator {
            case "In": op = .in
            case "NotIn": op = .notIn
            case "Exists": op = .exists
            case "DoesNotExist": op = .doesNotExist
            default:
                throw LabelSelectorError(errors: [.notSupported("operator", expression.operator, supported: LabelSelector.operators)])
            }
            requirements.append(try LabelRequirement(key: expression.key, operator: op, values: expression.values ?? []))
        }
        self.init(requirements: requirements)
    }

    /// Compiles an optional structured selector the way Kubernetes' `LabelSelectorAsSelector` does: nil matches
    /// nothing (used where a missing selector must not select everything, e.g. a workload's pods). Callers for
    /// which a missing selector means "no constraint" (a claim's `spec.selector` when binding) should skip the
    /// check instead.
    public static func compile(_ selector: LabelSelector?) throws(LabelSelectorError) -> LabelSelectorQuery {
        guard let selector else { return .nothing }
        return try LabelSelectorQuery(selector)
    }

    /// Whether the query has no requirements and matches everything.
    public var isEverything: Bool { !matchesNothing && requirements.isEmpty }

    /// Whether an object with `labels` (nil: no labels) is selected.
    public func matches(_ labels: [String: String]?) -> Bool {
        if matchesNothing { return false }
        let labels = labels ?? [:]
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The canonical string form: requirements sorted by key, joined by `,`. Empty for everything and for
    /// nothing (as Kubernetes prints both).
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }
}
