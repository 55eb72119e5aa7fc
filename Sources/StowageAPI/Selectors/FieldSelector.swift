/// A parsed field selector (`?fieldSelector=metadata.name=x,spec.nodeName!=,status.phase==Bound`): terms that
/// must all hold. Values may escape `\,`, `\=` and `\\`; an empty value means the field is empty.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    /// One `field=value`, `field==value` or `field!=value` term.
    public struct Term: Sendable, Hashable, CustomStringConvertible {
        /// The field path, e.g. `spec.nodeName`.
        public var field: String
        /// The (unescaped) value to compare with.
        public var value: String
        /// True for `!=`.
        public var negated: Bool

        /// A term comparing `field` with `value`.
        public init(field: String, value: String, negated: Bool = false) {
            self.field = field
            self.value = value
            self.negated = negated
        }

        /// `field=value` or `field!=value`, with the value escaped.
        public var description: String { field + (negated ? "!=" : "=") + FieldSelector.escape(value) }
    }

    /// The terms, sorted as Kubernetes sorts them.
    public var terms: [Term]

    /// A selector of `terms`.
    public init(terms: [Term]) { self.terms = terms }

    /// Matches every object.
    public static let everything = FieldSelector(terms: [])

    /// Parses the string form. The empty string (and empty terms between commas) select everything.
    /// - Throws: ``FieldSelectorError`` naming the term it cannot understand.
    public init(parsing text: String) throws(FieldSelectorError) {
        var terms: [Term] = []
        for part in FieldSelector.splitTerms(text).sorted() where !part.isEmpty {
            guard let (field, op, rawValue) = FieldSelector.splitTerm(part) else {
                throw .cannotUnderstand(selector: text, term: part)
            }
            terms.append(Term(field: field, value: try FieldSelector.unescape(rawValue), negated: op == "!="))
        }
        self.terms = terms
    }

    /// Whether the selector has no terms.
    public var isEverything: Bool { terms.isEmpty }

    /// Checks every term's field against the fields a kind supports.
    /// - Throws: ``FieldSelectorError/unsupportedField(_:)`` (`field label not supported: spec.foo`).
    public func validate(supportedFields: Set<String>) throws(FieldSelectorError) {
        for term in terms where !supportedFields.contains(term.field) {
            throw .unsupportedField(term.field)
        }
    }

    /// Whether the object whose field values `lookup` returns is selected. `lookup` returns nil for a field the
    /// kind does not support (``APIObject/fieldValue(_:)``), and "" for a supported field that is unset.
    /// - Throws: ``FieldSelectorError/unsupportedField(_:)`` for a field `lookup` does not know.
    public func matches(_ lookup: (String) -> String?) throws(FieldSelectorError) -> Bool {
        for term in terms {
            guard let actual = lookup(term.field) else { throw .unsupportedField(term.field) }
            if (actual == term.value) == term.negated { return false }
        }
        return true
    }

    /// Whether `object` is selected, using its ``APIObject/fieldValue(_:)``.
    public func matches(_ object: some APIObject) throws(FieldSelectorError) -> Bool {
        try matches { object.fieldValue($0) }
    }

    /// The canonical string form: terms joined by `,`.
    public var description: String { terms.map(\.description).joined(separator: ",") }

    // MARK: - Syntax

    /// Splits on commas that are not escaped.
    static func splitTerms(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        var terms: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == "," {
                terms.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        terms.append(current)
        return terms
    }

    /// Splits a term at its first operator (`!=`, `==` or `=`, checked in that order at each position).
    static func splitTerm(_ term: String) -> (String, String, String)? {
        var index = term.startIndex
        while index < term.endIndex {
            let rest = term[index...]
            for op in ["!=", "==", "="] where rest.hasPrefix(op) {
                return (String(term[..<index]), op, String(rest.dropFirst(op.count)))
            }
            index = term.index(after: index)
        }
        return nil
    }

    /// Resolves `\\`, `\,` and `\=`; any other escape or an unescaped `,` or `=` is an error.
    static func unescape(_ value: String) throws(FieldSelectorError) -> String {
        var out = ""
        var escaped = false
        for character in value {
            if escaped {
                guard character == "\\" || character == "," || character == "=" else {
                    throw .invalidEscape("\\" + String(character))
                }
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," || character == "=" {
                throw .unescapedCharacter(character)
            } else {
                out.append(character)
            }
        }
        if escaped { throw .invalidEscape("\\") }
        return out
    }

    /// Escapes `\`, `,` and `=` in a value.
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            if character == "\\" || character == "," || character == "=" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

/// Why a field selector is not acceptable, with Kubernetes' messages.
public enum FieldSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A term without an operator: `invalid selector: 'a,b'; can't understand 'b'`.
    case cannotUnderstand(selector: String, term: String)
    /// A field the kind cannot be selected on: `field label not supported: spec.foo`.
    case unsupportedField(String)
    /// An escape other than `\\`, `\,`, `\=`.
    case invalidEscape(String)
    /// A `,` or `=` in a value that should have been escaped.
    case unescapedCharacter(Character)

    public var description: String {
        switch self {
        case .cannotUnderstand(let selector, let term): return "invalid selector: '\(selector)'; can't understand '\(term)'"
        case .unsupportedField(let field): return "field label not supported: \(field)"
        case .invalidEscape(let sequence): return "invalid field selector: invalid escape sequence: \(sequence)"
        case .unescapedCharacter(let character):
            return "invalid field selector: unescaped character in value: \(character.unicodeScalars.first.map { $0.value } ?? 0)"
        }
    }
}
