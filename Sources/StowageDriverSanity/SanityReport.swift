import Foundation

/// The outcome of one check.
public enum SanityOutcome: Sendable, Equatable {
    /// The driver did what the protocol page asks.
    case passed
    /// The driver broke a rule; the reason says which call answered what, and what was expected.
    case failed(reason: String)
    /// The check did not apply (a capability not advertised, no restart command, not root...).
    case skipped(reason: String)
}

/// One check's id, what it checks, and how it came out.
public struct SanityResult: Sendable, Equatable {
    /// Stable id, `<Service>/<rule>`, for example `Node/publish-without-staging-path`.
    public var id: String
    /// One line saying what the check verifies.
    public var description: String
    /// Passed, failed with a reason, or skipped with a reason.
    public var outcome: SanityOutcome
    /// Wall time of the check including its cleanup.
    public var duration: Duration

    /// The group the check belongs to (`Identity`, `Controller`, `Node`, ...): the id up to the slash.
    public var group: String { String(id.prefix { $0 != "/" }) }

    /// One line for people: `PASS id`, `FAIL id: reason`, `SKIP id: reason`.
    public var line: String {
        switch outcome {
        case .passed: return "PASS \(id)"
        case .failed(let reason): return "FAIL \(id): \(reason)"
        case .skipped(let reason): return "SKIP \(id): \(reason)"
        }
    }

    /// Creates a result.
    public init(id: String, description: String, outcome: SanityOutcome, duration: Duration = .zero) {
        self.id = id
        self.description = description
        self.outcome = outcome
        self.duration = duration
    }
}

/// Everything one run of the suite found, in the order the checks ran.
public struct SanityReport: Sendable {
    /// Every check's result.
    public var results: [SanityResult]

    /// Creates a report from results.
    public init(results: [SanityResult]) { self.results = results }

    /// Number of checks that passed.
    public var passedCount: Int { results.filter { $0.outcome == .passed }.count }
    /// Number of checks that failed.
    public var failedCount: Int { results.filter { if case .failed = $0.outcome { true } else { false } }.count }
    /// Number of checks that were skipped.
    public var skippedCount: Int { results.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    /// The failed results (handy in a test's failure message).
    public var failures: [SanityResult] { results.filter { if case .failed = $0.outcome { true } else { false } } }
    /// Whether nothing failed.
    public var succeeded: Bool { failedCount == 0 }

    /// The result of the check with this id, if it ran.
    public func result(_ id: String) -> SanityResult? { results.first { $0.id == id } }

    /// `N passed, N failed, N skipped`.
    public var summaryLine: String { "\(passedCount) passed, \(failedCount) failed, \(skippedCount) skipped" }

    /// One line per check followed by the summary line, as `stowage driver sanity` prints it.
    public var text: String { (results.map(\.line) + [summaryLine]).joined(separator: "\n") + "\n" }
}
