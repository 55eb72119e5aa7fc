extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace around header values
    /// and their parameters). Foundation's `trimmingCharacters(in:)` bridges through NSString, which on every
    /// request cost more than the rest of authenticating it.
    func trimmingHTTPSpaces() -> SubSequence {
        func isSpace(_ character: Character) -> Bool { character == " " || character == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
