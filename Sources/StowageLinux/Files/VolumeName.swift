/// Checks a name that becomes a path component (a volume or pod directory): it can never climb out of its
/// parent or name something odd.
public enum VolumeName {
    /// The longest name accepted (a file name limit of most filesystems is 255 bytes).
    public static let maximumLength = 253

    /// The reason `name` is unusable as a directory name, or nil when it is fine.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "the name is empty" }
        if name.utf8.count > maximumLength { return "the name is longer than \(maximumLength) bytes" }
        if name == "." || name == ".." || name.contains("..") { return "the name \"\(name)\" contains \"..\"" }
        if name.contains("/") { return "the name \"\(name)\" contains \"/\"" }
        if name.utf8.contains(0) { return "the name contains a NUL byte" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "the name contains a control character" }
        return nil
    }
}
