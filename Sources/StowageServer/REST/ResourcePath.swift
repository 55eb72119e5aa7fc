/// A parsed resource path: `/api/v1/{namespaces/{ns}/}{plural}{/name}{/subresource}` or the same under
/// `/apis/{group}/{version}`.
struct ResourcePath: Sendable, Equatable {
    var group: String
    var version: String
    var plural: String
    var namespace: String?
    var name: String?
    var subresource: String?

    /// Whether the path names a collection (no object name).
    var isCollection: Bool { name == nil }

    /// Parses `path`; nil when it is not under `/api/v1` or `/apis/{group}/{version}` or has no resource.
    /// `namespaces/{ns}/{x}` is read as a namespaced collection unless `x` is a namespace subresource, decided by
    /// `isNamespaceSubresource`.
    static func parse(_ path: String) -> ResourcePath? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let group: String, version: String, rest: ArraySlice<String>
        if segments.first == "api", segments.count >= 3 {
            group = ""; version = segments[1]; rest = segments[2...]
        } else if segments.first == "apis", segments.count >= 4 {
            group = segments[1]; version = segments[2]; rest = segments[3...]
        } else {
            return nil
        }
        var parts = Array(rest)
        var namespace: String?
        if parts.count >= 3, parts[0] == "namespaces", !["status", "finalize"].contains(parts[2]) {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard (1...3).contains(parts.count) else { return nil }
        return ResourcePath(group: group, version: version, plural: parts[0], namespace: namespace,
                            name: parts.count > 1 ? parts[1] : nil, subresource: parts.count > 2 ? parts[2] : nil)
    }
}
