/// Kubernetes' name and key rules (apimachinery `validation.IsDNS1123Subdomain` and friends), with Kubernetes'
/// messages word for word. Each check returns the list of problems (empty when valid); callers wrap them in
/// ``FieldError``s with the field path and value.
public enum NameValidation {
    /// Which rule an object name must follow.
    public enum NameRule: Sendable {
        /// DNS-1123 subdomain: most kinds (PV, PVC, Pod, StatefulSet, StorageClass, Node, ...).
        case dns1123Subdomain
        /// DNS-1123 label: Namespace.
        case dns1123Label
        /// Any name that is a valid path segment (not `.`/`..`, no `/` or `%`): Event.
        case pathSegment
    }

    static let dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    static let dns1123SubdomainFormat = dns1123LabelFormat + "(\\." + dns1123LabelFormat + ")*"
    static let qualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
    static let qualifiedNameMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"

    /// Problems with `name` under `rule`. With `prefix` (a `generateName`), a trailing `-` is allowed because
    /// random characters will follow it.
    public static func check(_ name: String, _ rule: NameRule, prefix: Bool = false) -> [String] {
        switch rule {
        case .dns1123Subdomain: return dns1123Subdomain(prefix ? maskTrailingDash(name) : name)
        case .dns1123Label: return dns1123Label(prefix ? maskTrailingDash(name) : name)
        case .pathSegment: return prefix ? pathSegmentPrefix(name) : pathSegment(name)
        }
    }

    /// At most 253 characters of lower-case alphanumerics, `-` and `.`, starting and ending alphanumeric.
    public static func dns1123Subdomain(_ value: String) -> [String] {
        if value.utf8.count <= 253 && isDNS1123Subdomain(value) { return [] }
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append(maxLength(253)) }
        if !isDNS1123Subdomain(value) {
            errors.append(regexError(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                dns1123SubdomainFormat, examples: ["example.com"]))
        }
        return errors
    }

    /// At most 63 characters of lower-case alphanumerics and `-`, starting and ending alphanumeric.
    public static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append(maxLength(63)) }
        if !isDNS1123Label(value) {
            if isDNS1123Subdomain(value) {
                errors.append("must not contain dots")
            } else {
                errors.append(regexError(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                    dns1123LabelFormat, examples: ["my-name", "123-abc"]))
            }
        }
        return errors
    }

    /// Not `.` or `..`, and no `/` or `%`.
    public static func pathSegment(_ value: String) -> [String] {
        for illegal in [".", ".."] where value == illegal { return ["may not be '\(illegal)'"] }
        return pathSegmentPrefix(value)
    }

    /// A `generateName` under the path segment rule: no `/` or `%`.
    public static func pathSegmentPrefix(_ value: String) -> [String] {
        ["/", "%"].filter { value.contains($0) }.map { "may not contain '\($0)'" }
    }

    /// A label or annotation key: optional DNS subdomain prefix and `/`, then a name of at most 63 characters.
    public static func qualifiedName(_ value: String) -> [String] {
        if isQualifiedName(value) { return [] }
        var errors: [String] = []
        let parts = value.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name: String
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return ["a qualified name " + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"])
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part " + maxLength(63))
        }
        if !isQualifiedNamePart(name) {
            errors.append("name part " + regexError(qualifiedNameMessage, qualifiedNameFormat, examples: ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// A label value: empty, or at most 63 characters of alphanumerics, `-`, `_`, `.`, starting and ending
    /// alphanumeric.
    public static func labelValue(_ value: String) -> [String] {
        if isLabelValue(value) { return [] }
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append(maxLength(63)) }
        if !value.isEmpty && !isQualifiedNamePart(value) {
            errors.append(regexError(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                "(" + qualifiedNameFormat + ")?", examples: ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    // MARK: - Building blocks

    /// Kubernetes' `MaxLenError`.
    static func maxLength(_ length: Int) -> String { "must be no more than \(length) characters" }

    /// Kubernetes' `RegexError`: the message, examples and the regular expression used.
    static func regexError(_ message: String, _ format: String, examples: [String]) -> String {
        if examples.isEmpty { return message + " (regex used for validation is '\(format)')" }
        let shown = examples.map { "'\($0)', " }.joined(separator: " or ")
        return message + " (e.g. " + shown + "regex used for validation is '\(format)')"
    }

    /// A `generateName` gets random characters appended, so a trailing `-` is checked as if followed by one.
    /// Mirrors Kubernetes' `maskTrailingDash` (which replaces the last two characters).
    static func maskTrailingDash(_ name: String) -> String {
        guard name.utf8.count > 1, name.hasSuffix("-") else { return name }
        return String(name.dropLast(2)) + "a"
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDNS1123Label(_ value: String) -> Bool { isDNS1123Label(value.utf8) }

    /// One pass over the bytes, no copies: these run for every name and key of every write.
    static func isDNS1123Label(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, isLowerAlphanumeric(first) else { return false }
        var last = first
        for byte in bytes {
            guard isLowerAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
            last = byte
        }
        return isLowerAlphanumeric(last)
    }

    static func isDNS1123Subdomain(_ value: String) -> Bool { isDNS1123Subdomain(value.utf8, ignoringCase: false) }

    /// Every `.`-separated part is a DNS-1123 label; with `ignoringCase`, as if the value were lower-cased first.
    static func isDNS1123Subdomain(_ bytes: some Collection<UInt8>, ignoringCase: Bool) -> Bool {
        var previous: UInt8?  // the label's previous byte; nil at the start of a label
        for raw in bytes {
            let byte = ignoringCase && raw >= UInt8(ascii: "A") && raw <= UInt8(ascii: "Z") ? raw + 32 : raw
            if byte == UInt8(ascii: ".") {
                guard let before = previous, isLowerAlphanumeric(before) else { return false }
                previous = nil
                continue
            }
            guard isLowerAlphanumeric(byte) || (previous != nil && byte == UInt8(ascii: "-")) else { return false }
            previous = byte
        }
        return previous.map(isLowerAlphanumeric) ?? false
    }

    static func isQualifiedNamePart(_ value: String) -> Bool { isQualifiedNamePart(value.utf8) }

    static func isQualifiedNamePart(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        var last = first
        for byte in bytes {
            guard isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") else {
                return false
            }
            last = byte
        }
        return isAlphanumeric(last)
    }

    /// Whether ``qualifiedName(_:)`` would find nothing wrong, without building any message: the common case of
    /// every label, annotation key and finalizer. With `ignoringCase`, the key is judged lower-cased (annotations).
    public static func isQualifiedName(_ value: String, ignoringCase: Bool = false) -> Bool {
        let bytes = value.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            return bytes.count <= 63 && isQualifiedNamePart(bytes)
        }
        let prefix = bytes[..<slash]
        let name = bytes[bytes.index(after: slash)...]
        return !name.contains(UInt8(ascii: "/")) && name.count <= 63 && isQualifiedNamePart(name)
            && prefix.count <= 253 && isDNS1123Subdomain(prefix, ignoringCase: ignoringCase)
    }

    /// Whether ``labelValue(_:)`` would find nothing wrong.
    public static func isLabelValue(_ value: String) -> Bool {
        value.isEmpty || (value.utf8.count <= 63 && isQualifiedNamePart(value.utf8))
    }
}
