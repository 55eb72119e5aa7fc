/// A non-negative integer of any size, the mantissa of a ``Quantity``.
///
/// Just the operations exact quantity arithmetic needs: build from decimal digits, multiply and divide by small
/// numbers, compare, print. Limbs are 32-bit, least significant first, with no zero limbs at the top (so zero is
/// the empty array and equal values have equal limbs).
struct QuantityMagnitude: Sendable, Hashable, Comparable {
    private(set) var limbs: [UInt32]

    static let zero = QuantityMagnitude(limbs: [])

    private init(limbs: [UInt32]) {
        self.limbs = limbs
        trim()
    }

    init(_ value: UInt64) {
        self.init(limbs: [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)])
    }

    /// Parses ASCII decimal digits; nil when any byte is not a digit.
    init?(digits: some Sequence<UInt8>) {
        var result = QuantityMagnitude.zero
        var chunk: UInt32 = 0
        var chunkDigits = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            chunk = chunk * 10 + UInt32(byte - UInt8(ascii: "0"))
            chunkDigits += 1
            if chunkDigits == 9 {
                result = result.multiplied(by: 1_000_000_000).adding(chunk)
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            var scale: UInt32 = 1
            for _ in 0..<chunkDigits { scale *= 10 }
            result = result.multiplied(by: scale).adding(chunk)
        }
        self = result
    }

    private mutating func trim() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    var isZero: Bool { limbs.isEmpty }

    /// The value when it fits in a UInt64.
    var uint64Value: UInt64? {
        switch limbs.count {
        case 0: return 0
        case 1: return UInt64(limbs[0])
        case 2: return UInt64(limbs[0]) | UInt64(limbs[1]) << 32
        default: return nil
        }
    }

    /// `self * factor`.
    func multiplied(by factor: UInt32) -> QuantityMagnitude {
        if factor == 0 || isZero { return .zero }
        var out: [UInt32] = []
        out.reserveCapacity(limbs.count + 1)
        var carry: UInt64 = 0
        for limb in limbs {
            let product = UInt64(limb) * UInt64(factor) + carry
            out.append(UInt32(truncatingIfNeeded: product))
            carry = product >> 32
        }
        if carry > 0 { out.append(UInt32(carry)) }
        return QuantityMagnitude(limbs: out)
    }

    /// `self + addend`.
    func adding(_ addend: UInt32) -> QuantityMagnitude {
        var out = limbs
        var carry = UInt64(addend)
        var index = 0
        while carry > 0 {
            if index == out.count { out.append(0) }
            let sum = UInt64(out[index]) + carry
            out[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            index += 1
        }
        return QuantityMagnitude(limbs: out)
    }

    /// `self / divisor` and the remainder. `divisor` must not be zero.
    func divided(by divisor: UInt32) -> (quotient: QuantityMagnitude, remainder: UInt32) {
        precondition(divisor != 0, "division by zero")
        var out = [UInt32](repeating: 0, count: limbs.count)
        var remainder: UInt64 = 0
        for index in stride(from: limbs.count - 1, through: 0, by: -1) {
            let current = remainder << 32 | UInt64(limbs[index])
            out[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        return (QuantityMagnitude(limbs: out), UInt32(remainder))
    }

    /// `self * 10^power`.
    func multiplied(byPowerOfTen power: Int) -> QuantityMagnitude {
        var result = self
        var left = power
        while left >= 9 { result = result.multiplied(by: 1_000_000_000); left -= 9 }
        var factor: UInt32 = 1
        for _ in 0..<max(left, 0) { factor *= 10 }
        return result.multiplied(by: factor)
    }

    /// `self * 2^power`.
    func multiplied(byPowerOfTwo power: Int) -> QuantityMagnitude {
        var result = self
        var left = power
        while left >= 31 { result = result.multiplied(by: 1 << 31); left -= 31 }
        return result.multiplied(by: UInt32(1) << UInt32(max(left, 0)))
    }

    /// Removes every factor `base` and counts them: `(self / base^count, count)`. Zero stays zero with count 0.
    func removingFactors(of base: UInt32) -> (QuantityMagnitude, Int) {
        if isZero { return (self, 0) }
        var value = self
        var count = 0
        while true {
            let (quotient, remainder) = value.divided(by: base)
            if remainder != 0 { return (value, count) }
            value = quotient
            count += 1
        }
    }

    /// The number of decimal digits (1 for zero).
    var digitCount: Int {
        guard var small = uint64Value else { return decimalString.count }
        var count = 1
        while small >= 10 { small /= 10; count += 1 }
        return count
    }

    /// The value in decimal digits.
    var decimalString: String {
        if isZero { return "0" }
        var chunks: [UInt32] = []
        var value = self
        while !value.isZero {
            let (quotient, remainder) = value.divided(by: 1_000_000_000)
            chunks.append(remainder)
            value = quotient
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }

    static func < (lhs: QuantityMagnitude, rhs: QuantityMagnitude) -> Bool {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count }
        for index in stride(from: lhs.limbs.count - 1, through: 0, by: -1) where lhs.limbs[index] != rhs.limbs[index] {
            return lhs.limbs[index] < rhs.limbs[index]
        }
        return false
    }
}
