// PLACEHOLDER — the Quantity helper replaces this file with the full implementation. Interface contract:
// `Quantity(parsing:)` throws QuantityError; Codable from a JSON string or number; Comparable exactly;
// `description` is Kubernetes' canonical form; `init(bytes:)`, `value` (Int64, rounded up), `isZero`, `sign`.

/// A Kubernetes resource quantity (`1Gi`, `500M`, `100m`). PLACEHOLDER implementation.
public struct Quantity: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    private var raw: String
    private var approx: Double

    public init(parsing text: String) throws {
        let suffixes: [(String, Double)] = [("Ki", 1024), ("Mi", 1048576), ("Gi", 1073741824), ("Ti", 1099511627776), ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("m", 1e-3)]
        for (suffix, factor) in suffixes where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)) else { throw QuantityError.invalid(text) }
            self.raw = text; self.approx = number * factor; return
        }
        guard let number = Double(text) else { throw QuantityError.invalid(text) }
        self.raw = text; self.approx = number
    }

    public init(bytes: Int64) { self.raw = String(bytes); self.approx = Double(bytes) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) { try self.init(parsing: text) } else { self.init(bytes: try container.decode(Int64.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The value rounded up to a whole number (bytes for storage).
    public var value: Int64 { Int64(approx.rounded(.up)) }
    public var isZero: Bool { approx == 0 }
    public var description: String { raw }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.approx < rhs.approx }
    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.approx == rhs.approx }
    public func hash(into hasher: inout Hasher) { hasher.combine(approx) }
}

/// Why a string is not a quantity.
public enum QuantityError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid: return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        }
    }
}
