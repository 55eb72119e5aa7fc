/// One validation problem, with the field it concerns, formatted exactly as Kubernetes formats `field.Error`:
/// `spec.resources.requests.storage: Invalid value: "1Gx": quantities must match ...`.
public struct FieldError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Kubernetes' field error types.
    public enum Kind: String, Sendable, Hashable {
        case notFound = "Not found"
        case required = "Required value"
        case duplicate = "Duplicate value"
        case invalid = "Invalid value"
        case notSupported = "Unsupported value"
        case forbidden = "Forbidden"
        case tooLong = "Too long"
        case tooMany = "Too many"
        case `internal` = "Internal error"

        /// The `reason` of a `StatusCause` for this kind of error.
        public var causeReason: String {
            switch self {
            case .notFound: return "FieldValueNotFound"
            case .required: return "FieldValueRequired"
            case .duplicate: return "FieldValueDuplicate"
            case .invalid: return "FieldValueInvalid"
            case .notSupported: return "FieldValueNotSupported"
            case .forbidden: return "FieldValueForbidden"
            case .tooLong: return "FieldValueTooLong"
            case .tooMany: return "FieldValueTooMany"
            case .internal: return "InternalError"
            }
        }
    }

    public var kind: Kind
    public var field: FieldPath
    /// The offending value as Kubernetes prints it (strings quoted), or nil when the error shows no value.
    public var value: String?
    public var detail: String

    public init(_ kind: Kind, _ field: FieldPath, value: String? = nil, detail: String = "") {
        self.kind = kind
        self.field = field
        self.value = value
        self.detail = detail
    }

    /// `field: Required value`, with an optional detail.
    public static func required(_ field: FieldPath, _ detail: String = "") -> FieldError {
        FieldError(.required, field, detail: detail)
    }

    /// `field: Invalid value: "v": detail`.
    public static func invalid(_ field: FieldPath, _ value: String, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: quoted(value), detail: detail)
    }

    /// `field: Invalid value: 5: detail` for a number or other unquoted value.
    public static func invalid(_ field: FieldPath, number: some CustomStringConvertible, _ detail: String) -> FieldError {
        FieldError(.invalid, field, value: number.description, detail: detail)
    }

    /// `field: Unsupported value: "v": supported values: "a", "b"`.
    public static func notSupported(_ field: FieldPath, _ value: String, supported: [String]) -> FieldError {
        FieldError(.notSupported, field, value: quoted(value),
                   detail: "supported values: " + supported.map(quoted).joined(separator: ", "))
    }

    /// `field: Forbidden: detail`.
    public static func forbidden(_ field: FieldPath, _ detail: String) -> FieldError {
        FieldError(.forbidden, field, detail: detail)
    }

    /// `field: Duplicate value: "v"`.
    public static func duplicate(_ field: FieldPath, _ value: String) -> FieldError {
        FieldError(.duplicate, field, value: quoted(value))
    }

    /// `field: Too long: may not be more than N bytes`.
    public static func tooLong(_ field: FieldPath, maxLength: Int) -> FieldError {
        FieldError(.tooLong, field, detail: "may not be more than \(maxLength) bytes")
    }

    /// The message without the field, as a `StatusCause.message`: `Invalid value: "1Gx": ...`.
    public var body: String {
        var text = kind.rawValue
        switch kind {
        case .required, .forbidden, .tooLong, .internal:
            if !detail.isEmpty { text += ": \(detail)" }
        default:
            if let value { text += ": \(value)" }
            if !detail.isEmpty { text += ": \(detail)" }
        }
        return text
    }

    public var description: String { "\(field): \(body)" }

    /// Quotes a string the way Go's `%q` does for printable text.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += String(format: "\\x%02x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
