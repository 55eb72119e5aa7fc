/// A position in a text: 1-based line and column (columns count characters, not bytes).
public struct TextPosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int
    /// The column within the line, from 1.
    public var column: Int

    /// A position at `line` and `column`, both 1-based.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line L, column C`.
    public var description: String { "line \(line), column \(column)" }

    /// The position of byte `offset` in `bytes` (clamped to the end).
    static func of(offset: Int, in bytes: UnsafeRawBufferPointer) -> TextPosition {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var column = 1
        for byte in UnsafeRawBufferPointer(rebasing: bytes[..<end]) {
            if byte == 0x0A { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return TextPosition(line: line, column: column)
    }
}

/// Malformed JSON, with where it went wrong: what was expected, the line and column, and the byte offset.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for people (`expected ':' after key "a"`).
    public var message: String
    /// Line and column of the problem.
    public var position: TextPosition
    /// Byte offset from the start of the input.
    public var offset: Int

    /// An error at `position` / `offset`.
    public init(message: String, position: TextPosition, offset: Int) {
        self.message = message
        self.position = position
        self.offset = offset
    }

    /// `invalid JSON at line L, column C: message`.
    public var description: String { "invalid JSON at \(position): \(message)" }
}
