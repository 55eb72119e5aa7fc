/// Reads quantity strings the way Kubernetes' `ParseQuantity` does, including its leniencies (`1.` and `.5` are
/// numbers; a bare sign or `.` is zero) and its choice of which inputs keep their spelling when printed.
enum QuantityParser {
    /// The pieces of a quantity string: sign, integer digits (leading zeros stripped), fraction digits, suffix.
    struct Pieces {
        var negative = false
        var integer: ArraySlice<UInt8> = []
        var fraction: ArraySlice<UInt8> = []
        var suffix: ArraySlice<UInt8> = []
    }

    static func parse(_ text: String) throws(QuantityError) -> Quantity {
        if text.isEmpty { throw .invalid(text) }
        if text == "0" { return Quantity(negative: false, mantissa: .zero, exponent: 0, format: .decimalSI, original: text) }
        guard let pieces = split(Array(text.utf8)) else { throw .invalid(text) }
        guard let (base, power, format) = interpret(pieces.suffix) else { throw .invalidSuffix(text) }
        let integerDigits = pieces.integer.isEmpty ? [UInt8(ascii: "0")] : Array(pieces.integer)
        let digits = integerDigits + Array(pieces.fraction)
        guard var mantissa = QuantityMagnitude(digits: digits) else { throw .invalidNumber(text) }
        var exponent = -pieces.fraction.count
        if base == 10 {
            exponent += power
        } else {
            mantissa = mantissa.multiplied(byPowerOfTwo: power)
        }

        if let keep = keepsSpelling(digits: digits, integerCount: integerDigits.count, fractionCount: pieces.fraction.count,
                                    power: power, format: format) {
            // Kubernetes' int64 fast path: exact, no rounding or capping needed.
            return Quantity(negative: pieces.negative, mantissa: mantissa, exponent: exponent, format: format,
                            original: keep ? text : nil)
        }

        var finalFormat = format
        if !mantissa.isZero && exponent < -9 {
            (mantissa, exponent) = roundUpToNano(mantissa, exponent: exponent)
        }
        var quantity = Quantity(negative: pieces.negative, mantissa: mantissa, exponent: exponent, format: format)
        if format == .binarySI {
            let cap = Quantity(Int64.max)
            if Quantity.compareMagnitudes(quantity, cap) > 0 {
                quantity = Quantity(negative: pieces.negative, mantissa: cap.mantissa, exponent: cap.exponent, format: format)
            }
            if !quantity.isZero && quantity.exponent < 0 && Quantity.compareMagnitudes(quantity, Quantity(1)) < 0 {
                finalFormat = .decimalSI
            }
        }
        quantity.format = finalFormat
        return quantity
    }

    /// Splits `bytes` into its pieces, or nil when it does not have a quantity's shape.
    static func split(_ bytes: [UInt8]) -> Pieces? {
        var pieces = Pieces()
        var position = 0
        let end = bytes.count
        if position < end, bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            pieces.negative = bytes[0] == UInt8(ascii: "-")
            position += 1
        }
        while position < end, bytes[position] == UInt8(ascii: "0") { position += 1 }
        if position == end { return pieces }
        let integerStart = position
        while position < end, isDigit(bytes[position]) { position += 1 }
        pieces.integer = bytes[integerStart..<position]
        if position < end, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < end, isDigit(bytes[position]) { position += 1 }
            pieces.fraction = bytes[fractionStart..<position]
        }
        let suffixStart = position
        while position < end, isSuffixLetter(bytes[position]) { position += 1 }
        if position < end, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") { position += 1 }
        while position < end, isDigit(bytes[position]) { position += 1 }
        if position < end { return nil }
        pieces.suffix = bytes[suffixStart..<end]
        return pieces
    }

    /// The base, power and format a suffix stands for, or nil when it is not a suffix Kubernetes knows.
    static func interpret(_ suffix: ArraySlice<UInt8>) -> (base: Int, power: Int, format: Quantity.Format)? {
        let text = String(decoding: suffix, as: UTF8.self)
        let decimal: [String: Int] = ["": 0, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
        let binary: [String: Int] = ["Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60]
        if let power = decimal[text] { return (10, power, .decimalSI) }
        if let power = binary[text] { return (2, power, .binarySI) }
        if text.count > 1, text.first == "e" || text.first == "E" {
            // Kubernetes accepts exponents within ±(2^31-1) and rejects the rest rather than truncating them.
            guard let power = Int64(text.dropFirst()), abs(power) <= Int64(Int32.max) else { return nil }
            return (10, Int(power), .decimalExponent)
        }
        return nil
    }

    /// Mirrors Kubernetes' int64 fast path: nil when the value takes the slow (big decimal) path, otherwise
    /// whether the input string is kept as the printed form.
    static func keepsSpelling(digits: [UInt8], integerCount: Int, fractionCount: Int, power: Int, format: Quantity.Format) -> Bool? {
        switch format {
        case .decimalSI, .decimalExponent:
            guard 18 - (integerCount + fractionCount) >= 0 else { return nil }
            let scale = power - fractionCount
            guard scale >= -9 else { return nil }
            let hasTrailingZeros = digits.count >= 3 && digits.suffix(3).allSatisfy { $0 == UInt8(ascii: "0") }
            return scale % 3 == 0 && !hasTrailingZeros && digits[0] != UInt8(ascii: "0")
        case .binarySI:
            guard fractionCount == 0 else { return nil }
            let precision = 15 - integerCount - Int(Float(power) * 3 / 10) - 1
            guard precision >= 0, let value = Int64(String(decoding: digits, as: UTF8.self)) else { return nil }
            let (_, overflow) = value.multipliedReportingOverflow(by: Int64(1) << Int64(power))
            guard !overflow else { return nil }
            return power % 10 == 0 && value & 0x07 != 0
        }
    }

    /// Rounds `mantissa * 10^exponent` up to a multiple of 10^-9.
    static func roundUpToNano(_ mantissa: QuantityMagnitude, exponent: Int) -> (QuantityMagnitude, Int) {
        let drop = -9 - exponent
        if drop > mantissa.digitCount { return (QuantityMagnitude(1), -9) }
        var value = mantissa
        var inexact = false
        for _ in 0..<drop {
            let (quotient, remainder) = value.divided(by: 10)
            if remainder != 0 { inexact = true }
            value = quotient
        }
        return (inexact ? value.adding(1) : value, -9)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// A letter of a suffix or exponent (`e E i n u m k K M G T P`); which combinations are valid is decided later.
    private static func isSuffixLetter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "i"), UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "m"),
             UInt8(ascii: "k"), UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"):
            return true
        default:
            return false
        }
    }
}
