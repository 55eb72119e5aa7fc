// PLACEHOLDER bodies — the selectors/metadata helper implements these with Kubernetes' exact rules and messages.
// Each returns the list of problem messages (empty when valid), worded as Kubernetes words them, e.g.
// "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must
// start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is ...)".

/// Kubernetes' name and key rules (apimachinery `validation.IsDNS1123Subdomain` and friends).
public enum NameValidation {
    /// Which rule an object name must follow.
    public enum NameRule: Sendable {
        /// DNS-1123 subdomain: most kinds (PV, PVC, Pod, StatefulSet, StorageClass, Node, ...).
        case dns1123Subdomain
        /// DNS-1123 label: Namespace.
        case dns1123Label
        /// Any name that is a valid path segment (not `.`/`..`, no `/` or `%`): Event.
        case pathSegment
    }

    /// Problems with `name` under `rule`.
    public static func check(_ name: String, _ rule: NameRule) -> [String] {
        switch rule {
        case .dns1123Subdomain: return dns1123Subdomain(name)
        case .dns1123Label: return dns1123Label(name)
        case .pathSegment: return pathSegment(name)
        }
    }

    /// At most 253 characters of lower-case alphanumerics, `-` and `.`, starting and ending alphanumeric.
    public static func dns1123Subdomain(_ value: String) -> [String] { [] }
    /// At most 63 characters of lower-case alphanumerics and `-`, starting and ending alphanumeric.
    public static func dns1123Label(_ value: String) -> [String] { [] }
    /// Not `.` or `..`, and no `/` or `%`.
    public static func pathSegment(_ value: String) -> [String] { [] }
    /// A label or annotation key: optional DNS subdomain prefix and `/`, then a name of at most 63 characters.
    public static func qualifiedName(_ value: String) -> [String] { [] }
    /// A label value: empty, or at most 63 characters of alphanumerics, `-`, `_`, `.`, starting and ending
    /// alphanumeric.
    public static func labelValue(_ value: String) -> [String] { [] }
}
