import Foundation
import StowageJSON

/// A Kubernetes resource quantity (`1Gi`, `500M`, `100m`, `1e9`): an exact decimal number with the format family
/// it was written in.
///
/// The value is exact: an arbitrary-size integer mantissa times a power of ten, rounded up (away from zero) to
/// nano precision on parsing, as Kubernetes does. Equality, hashing and ordering use the value only, so
/// `1Gi == 1073741824`, `1000m == 1` and `1G < 1Gi`. Values written with a binary suffix are capped at
/// 2^63-1 (`8Ei` parses as `9223372036854775807`), as in Kubernetes; decimal values are not capped.
///
/// ``description`` prints Kubernetes' form: the input string when Kubernetes keeps it (an int64-sized value
/// already written canonically, e.g. `100m`, `1Ki`, `1e3`), otherwise the canonical form of the input's format
/// family (`1024Mi` → `1Gi`, `0.5Gi` → `512Mi`, `1000M` → `1G`, `1.5` → `1500m`). One deliberate difference:
/// decimal values beyond the `E` suffix print in exponent form (`1000E` → `1e21`), as merged upstream in
/// kubernetes#140459, where older Kubernetes printed `1`.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How a quantity is written, kept from the input so it is written back the same way.
    public enum Format: String, Sendable, Hashable {
        /// Powers of two: `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`.
        case binarySI = "BinarySI"
        /// Powers of ten with SI suffixes: `n`, `u`, `m`, none, `k`, `M`, `G`, `T`, `P`, `E`.
        case decimalSI = "DecimalSI"
        /// Powers of ten as exponents: `1e9`, `12e-3`.
        case decimalExponent = "DecimalExponent"
    }

    /// Whether the value is below zero.
    public internal(set) var isNegative: Bool
    /// The magnitude's mantissa, with no trailing decimal zeros (they are moved into `exponent`).
    var mantissa: QuantityMagnitude
    /// The power of ten the mantissa is multiplied by; at least -9 after parsing.
    var exponent: Int
    /// The format family used to print the value.
    public internal(set) var format: Format
    /// The input string when Kubernetes would print it unchanged.
    var original: String?

    /// Builds a normalized quantity.
    init(negative: Bool, mantissa: QuantityMagnitude, exponent: Int, format: Format, original: String? = nil) {
        let (stripped, zeros) = mantissa.removingFactors(of: 10)
        self.mantissa = stripped
        self.exponent = stripped.isZero ? 0 : exponent + zeros
        self.isNegative = stripped.isZero ? false : negative
        self.format = format
        self.original = original
    }

    /// Parses a Kubernetes quantity string.
    /// - Throws: ``QuantityError`` with Kubernetes' message when `text` is not a quantity.
    public init(parsing text: String) throws(QuantityError) {
        self = try QuantityParser.parse(text)
    }

    /// A whole number of bytes, printed with binary suffixes when exact (`1073741824` → `1Gi`).
    public init(bytes: Int64) {
        self.init(bytes, format: .binarySI)
    }

    /// An integer value in the given format.
    public init(_ value: Int64, format: Format = .decimalSI) {
        self.init(negative: value < 0, mantissa: QuantityMagnitude(value.magnitude), exponent: 0, format: format)
    }

    /// `count` KiB (binary format).
    public static func kibibytes(_ count: Int64) -> Quantity { Quantity(bytes: count << 10) }
    /// `count` MiB (binary format).
    public static func mebibytes(_ count: Int64) -> Quantity { Quantity(bytes: count << 20) }
    /// `count` GiB (binary format).
    public static func gibibytes(_ count: Int64) -> Quantity { Quantity(bytes: count << 30) }

    /// Zero.
    public static let zero = Quantity(0)

    /// Whether the value is zero.
    public var isZero: Bool { mantissa.isZero }

    /// -1, 0 or 1.
    public var sign: Int { isZero ? 0 : (isNegative ? -1 : 1) }

    /// The value rounded up (towards positive infinity) to a whole number, saturated at the Int64 bounds.
    /// For storage this is the number of bytes.
    public var value: Int64 {
        if isZero { return 0 }
        var whole = mantissa
        var fractional = false
        if exponent < 0 {
            if -exponent > mantissa.digitCount {
                whole = .zero
                fractional = true
            } else {
                for _ in 0..<(-exponent) {
                    let (quotient, remainder) = whole.divided(by: 10)
                    if remainder != 0 { fractional = true }
                    whole = quotient
                }
            }
        } else if exponent > 0 {
            if mantissa.digitCount + exponent > 20 { return isNegative ? .min : .max }
            whole = mantissa.multiplied(byPowerOfTen: exponent)
        }
        guard let magnitude = whole.uint64Value else { return isNegative ? .min : .max }
        if isNegative {
            if magnitude > UInt64(Int64.max) + 1 { return .min }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        if fractional {
            return magnitude >= UInt64(Int64.max) ? .max : Int64(magnitude) + 1
        }
        return magnitude > UInt64(Int64.max) ? .max : Int64(magnitude)
    }

    public var description: String { original ?? canonicalString }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool {
        lhs.isNegative == rhs.isNegative && lhs.mantissa == rhs.mantissa && lhs.exponent == rhs.exponent
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isNegative)
        hasher.combine(mantissa)
        hasher.combine(exponent)
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        if lhs.sign != rhs.sign { return lhs.sign < rhs.sign }
        if lhs.isZero { return false }
        let magnitudeOrder = compareMagnitudes(lhs, rhs)
        return lhs.isNegative ? magnitudeOrder > 0 : magnitudeOrder < 0
    }

    /// Compares |lhs| and |rhs| exactly: -1, 0 or 1. Never expands a huge exponent it does not need to.
    static func compareMagnitudes(_ lhs: Quantity, _ rhs: Quantity) -> Int {
        if lhs.exponent == rhs.exponent {
            return lhs.mantissa == rhs.mantissa ? 0 : (lhs.mantissa < rhs.mantissa ? -1 : 1)
        }
        let lhsOrder = lhs.mantissa.digitCount + lhs.exponent
        let rhsOrder = rhs.mantissa.digitCount + rhs.exponent
        if lhsOrder != rhsOrder { return lhsOrder < rhsOrder ? -1 : 1 }
        let common = min(lhs.exponent, rhs.exponent)
        let left = lhs.mantissa.multiplied(byPowerOfTen: lhs.exponent - common)
        let right = rhs.mantissa.multiplied(byPowerOfTen: rhs.exponent - common)
        return left == right ? 0 : (left < right ? -1 : 1)
    }
}

extension Quantity: Codable {
    /// Decodes a JSON/YAML string (surrounding whitespace ignored, as Kubernetes does) or a number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string.trimmingCharacters(in: .whitespaces)
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else if let decimal = try? container.decode(Decimal.self) {
            text = decimal.description
        } else {
            text = String(try container.decode(Double.self))
        }
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes as the string ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Why a string is not a quantity, with Kubernetes' messages.
public enum QuantityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text does not have the shape of a quantity (`1Gx`, empty, `1..5`, `1 Gi`).
    case invalid(String)
    /// The shape is right but the suffix is unknown (`1i`, `1Gb`, `1e`).
    case invalidSuffix(String)
    /// The numeric part could not be read.
    case invalidNumber(String)

    /// The text that failed to parse.
    public var input: String {
        switch self {
        case .invalid(let text), .invalidSuffix(let text), .invalidNumber(let text): return text
        }
    }

    public var description: String {
        switch self {
        case .invalid: return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        case .invalidSuffix: return "unable to parse quantity's suffix"
        case .invalidNumber: return "unable to parse numeric part of quantity"
        }
    }
}

extension Quantity: JSONStreamScalar {
    /// Writes the quoted ``description`` directly (the streaming encoder's fast path; same text as `encode(to:)`).
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendString(description, to: &bytes) }
}
