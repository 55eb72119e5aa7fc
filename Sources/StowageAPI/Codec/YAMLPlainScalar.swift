import Yams

/// The type YAML 1.1 gives an untagged plain scalar — the rules of Yams' default resolver, which are those of
/// Kubernetes' YAML reader: `null`/`~`/empty, the 18 spellings of booleans (`yes`, `On`, `FALSE`, …), integers
/// (decimal, `0b`, `0`/`0o` octal, `0x`, sexagesimal `1:30`, with `_` separators) and floats (`1.5`, `1e3`, `.5`,
/// `.inf`, `.nan`). Anything else is a string.
///
/// Matched by hand rather than with the resolver's regular expressions: those are compiled by ICU, and the first
/// YAML document read (the default StorageClasses, at every start of `stowage serve`) then loaded ICU's regex engine
/// and Unicode tables — 4 MiB of the idle server's resident memory.
enum YAMLPlainScalar {
    /// The tag of `text` as an untagged plain scalar, in the default resolver's order (bool, int, float, null).
    static func tag(of text: String) -> Tag.Name {
        if booleans.contains(text) { return .bool }
        let bytes = Array(text.utf8)
        if isInteger(bytes) { return .int }
        if isFloat(bytes) { return .float }
        if nulls.contains(text) { return .null }
        return .str
    }

    /// Whether a string written as a plain scalar would be read back as something else — another type, or a
    /// timestamp, merge key (`<<`) or value key (`=`) in YAML 1.1 — so that it must be quoted.
    static func needsQuotes(_ text: String) -> Bool {
        tag(of: text) != .str || text == "<<" || text == "=" || isTimestamp(Array(text.utf8))
    }

    private static let booleans: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    private static let nulls: Set<String> = ["~", "null", "Null", "NULL", ""]
    private static let notANumber: [[UInt8]] = [".nan", ".NaN", ".NAN"].map { Array($0.utf8) }
    private static let infinity: [[UInt8]] = [".inf", ".Inf", ".INF"].map { Array($0.utf8) }

    /// `[-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    private static func isInteger(_ bytes: [UInt8]) -> Bool {
        var body = bytes[...]
        if let first = body.first, first == plus || first == minus { body = body.dropFirst() }
        guard let first = body.first else { return false }
        if first == zero {
            let rest = body.dropFirst()
            if rest.isEmpty { return true }
            switch rest.first {
            case UInt8(ascii: "b"): return rest.count > 1 && rest.dropFirst().allSatisfy { $0 == zero || $0 == one || $0 == underscore }
            case UInt8(ascii: "x"): return rest.count > 1 && rest.dropFirst().allSatisfy { isHexDigit($0) || $0 == underscore }
            case UInt8(ascii: "o"): return rest.count > 1 && rest.dropFirst().allSatisfy(isOctalOrUnderscore)
            default: return rest.allSatisfy(isOctalOrUnderscore)
            }
        }
        guard first >= one && first <= nine else { return false }
        let digits = body.prefix { isDigit($0) || $0 == underscore }
        let rest = body[digits.endIndex...]
        return rest.isEmpty || isSexagesimalTail(rest)
    }

    /// `[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)? | \.[0-9_]+([eE][-+][0-9]+)?`
    /// `| [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)`
    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        if notANumber.contains(bytes) { return true }
        var body = bytes[...]
        let signed = body.first == plus || body.first == minus
        if signed { body = body.dropFirst() }
        if infinity.contains(where: { body.elementsEqual($0) }) { return true }
        guard let first = body.first else { return false }
        if first == dot {
            // Only unsigned, with at least one digit or underscore, and an exponent whose sign is required.
            guard !signed else { return false }
            let fraction = body.dropFirst().prefix { isDigit($0) || $0 == underscore }
            guard !fraction.isEmpty else { return false }
            let rest = body[fraction.endIndex...]
            return rest.isEmpty || isExponent(rest, signRequired: true)
        }
        guard isDigit(first) else { return false }
        let whole = body.prefix { isDigit($0) || $0 == underscore }
        var rest = body[whole.endIndex...]
        if rest.first == colon {
            // Sexagesimal: one or more `:[0-5]?[0-9]` groups, then a dot and a fraction (possibly empty).
            guard let dotIndex = rest.firstIndex(of: dot), isSexagesimalTail(rest[..<dotIndex]) else { return false }
            return rest[rest.index(after: dotIndex)...].allSatisfy { isDigit($0) || $0 == underscore }
        }
        if rest.first == dot {
            let fraction = rest.dropFirst().prefix { isDigit($0) || $0 == underscore }
            rest = rest[fraction.endIndex...]
        }
        return rest.isEmpty || isExponent(rest, signRequired: false)
    }

    /// `YYYY-MM-DD`, or `YYYY-M-D` then `T`, `t` or blanks, `h:mm:ss`, an optional fraction and an optional zone
    /// (`Z`, `+h`, `-hh:mm`, after optional blanks).
    private static func isTimestamp(_ bytes: [UInt8]) -> Bool {
        var cursor = bytes[...]
        func digits(_ least: Int, _ most: Int) -> Bool {
            let run = cursor.prefix(most).prefix(while: isDigit)
            guard run.count >= least else { return false }
            cursor = cursor[run.endIndex...]
            return true
        }
        func take(_ byte: UInt8) -> Bool {
            guard cursor.first == byte else { return false }
            cursor = cursor.dropFirst()
            return true
        }
        func blanks() -> Int {
            let run = cursor.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            cursor = cursor[run.endIndex...]
            return run.count
        }
        guard digits(4, 4), take(minus) else { return false }
        let afterYear = cursor
        if digits(2, 2), take(minus), digits(2, 2), cursor.isEmpty { return true }
        cursor = afterYear
        guard digits(1, 2), take(minus), digits(1, 2) else { return false }
        guard take(UInt8(ascii: "T")) || take(UInt8(ascii: "t")) || blanks() > 0 else { return false }
        guard digits(1, 2), take(colon), digits(2, 2), take(colon), digits(2, 2) else { return false }
        if take(dot) { _ = digits(0, Int.max) }
        if cursor.isEmpty { return true }
        _ = blanks()  // blanks only before a zone
        if take(UInt8(ascii: "Z")) { return cursor.isEmpty }
        guard take(plus) || take(minus), digits(1, 2) else { return false }
        if take(colon) { guard digits(2, 2) else { return false } }
        return cursor.isEmpty
    }

    /// `(:[0-5]?[0-9])+`
    private static func isSexagesimalTail(_ bytes: ArraySlice<UInt8>) -> Bool {
        var rest = bytes
        guard !rest.isEmpty else { return false }
        while let first = rest.first {
            guard first == colon else { return false }
            let group = rest.dropFirst().prefix(while: isDigit)
            guard group.count == 1 || (group.count == 2 && group.first! <= UInt8(ascii: "5")) else { return false }
            rest = rest[group.endIndex...]
        }
        return true
    }

    /// `[eE][-+]?[0-9]+` (the sign required when `signRequired`).
    private static func isExponent(_ bytes: ArraySlice<UInt8>, signRequired: Bool) -> Bool {
        guard let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") else { return false }
        var digits = bytes.dropFirst()
        if let sign = digits.first, sign == plus || sign == minus {
            digits = digits.dropFirst()
        } else if signRequired {
            return false
        }
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    private static let plus = UInt8(ascii: "+"), minus = UInt8(ascii: "-"), dot = UInt8(ascii: "."), colon = UInt8(ascii: ":")
    private static let zero = UInt8(ascii: "0"), one = UInt8(ascii: "1"), nine = UInt8(ascii: "9"), underscore = UInt8(ascii: "_")

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= zero && byte <= nine }
    private static func isOctalOrUnderscore(_ byte: UInt8) -> Bool { (byte >= zero && byte <= UInt8(ascii: "7")) || byte == underscore }
    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
    }
}
