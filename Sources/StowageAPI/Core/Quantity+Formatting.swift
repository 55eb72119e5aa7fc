extension Quantity {
    /// Kubernetes' canonical form of the value in its format family, ignoring how the input was spelled:
    /// no fractional digits, the largest suffix that loses nothing, binary values that are not whole numbers of
    /// at least 1024 printed in decimal SI.
    public var canonicalString: String {
        if isZero { return "0" }
        let sign = isNegative ? "-" : ""
        var family = format
        if family == .binarySI {
            let belowKi = Quantity.compareMagnitudes(self, Quantity(1024)) < 0
            if belowKi || exponent < 0 { family = .decimalSI }
        }
        if family == .binarySI {
            let whole = mantissa.multiplied(byPowerOfTen: exponent)
            let (number, count) = whole.removingFactors(of: 1024)
            let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            // Past Ei there is no binary suffix: print exactly in decimal instead.
            if count < suffixes.count { return sign + number.decimalString + suffixes[count] }
            family = .decimalSI
        }
        var number = mantissa
        var power = exponent
        switch ((power % 3) + 3) % 3 {
        case 1: number = number.multiplied(by: 10); power -= 1
        case 2: number = number.multiplied(by: 100); power -= 2
        default: break
        }
        let decimalSuffixes: [Int: String] = [-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"]
        if family == .decimalSI, let suffix = decimalSuffixes[power] {
            return sign + number.decimalString + suffix
        }
        return sign + number.decimalString + (power == 0 ? "" : "e\(power)")
    }
}
