import ArgumentParser

/// The counts and sizes the benchmarks take: a count below what a benchmark can run with (a negative number of
/// claims, no clients at all) is refused before anything starts, naming the option, instead of trapping midway.
enum BenchCounts {
    /// Throws unless `value` is at least `minimum`.
    static func require<Count: BinaryInteger>(_ option: String, _ value: Count, atLeast minimum: Count) throws {
        guard value >= minimum else {
            let hint = minimum == 0 ? "0 or more" : "\(minimum) or more"
            throw ValidationError("--\(option): \(value) is out of range; give \(hint)")
        }
    }

    /// Throws unless every value of a repeatable option is at least `minimum`.
    static func require<Count: BinaryInteger>(_ option: String, _ values: [Count], atLeast minimum: Count) throws {
        for value in values { try require(option, value, atLeast: minimum) }
    }
}
