import StowageCSI

/// One conformance rule: an id (`Node/publish-idempotent`), a one-line description, and the body that drives
/// the driver and throws `CheckFailure` or `CheckSkip`. Resources the body creates are registered with the
/// context, which releases them after the body ends however it ends.
struct SanityCheck: Sendable {
    let id: String
    let description: String
    let body: @Sendable (SanityContext) async throws -> Void

    init(_ id: String, _ description: String, _ body: @escaping @Sendable (SanityContext) async throws -> Void) {
        self.id = id
        self.description = description
        self.body = body
    }
}

/// The driver broke the rule a check verifies. The reason names the call, what it answered and what was wanted.
struct CheckFailure: Error, CustomStringConvertible {
    let reason: String
    init(_ reason: String) { self.reason = reason }
    var description: String { reason }
}

/// The check does not apply to this driver or configuration; the reason says why.
struct CheckSkip: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Fails the running check with `reason` unless `condition` holds.
func ensure(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
    if !condition { throw CheckFailure(reason()) }
}

extension CSIError {
    /// `NOT_FOUND ("volume x does not exist")`, as failure reasons quote a driver's answer.
    var quoted: String { message.isEmpty ? code.name : "\(code.name) (\"\(message.prefix(160))\")" }
}
