/// Checks for a single path component that is safe to use as a directory name under a base directory: it can
/// never name the base itself, its parent, or anything outside it.
public enum SafeName {
    /// Longest accepted name in bytes (NAME_MAX is 255; leave room for suffixes like `.tmp-…`).
    public static let maximumLength = 200

    /// Why `name` is unsafe, or nil when it is safe: not empty, at most `maximumLength` bytes, no `/`, no NUL,
    /// not `.` or `..` and not containing `..`, no control characters.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > maximumLength { return "is longer than \(maximumLength) bytes" }
        if name.utf8.contains(0) { return "contains a NUL byte" }
        if name.contains("/") { return "contains \"/\"" }
        if name.contains("..") { return "contains \"..\"" }
        if name == "." { return "is \".\"" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) { return "contains a control character" }
        return nil
    }

    /// Whether `name` is safe (see `problem(with:)`).
    public static func isSafe(_ name: String) -> Bool { problem(with: name) == nil }
}
