import Foundation
import StowageAPI

/// Kubernetes REST paths of a resource: `/api/v1/namespaces/default/persistentvolumeclaims/data`,
/// `/apis/storage.k8s.io/v1/storageclasses`.
struct ResourcePath {
    let resource: APIResource

    /// The collection path; `namespace` nil lists across namespaces (namespaced kinds) or is ignored.
    func collection(namespace: String?) -> String {
        var path = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        if resource.namespaced, let namespace { path += "/namespaces/\(escape(namespace))" }
        return path + "/" + resource.plural
    }

    /// One object's path, optionally a subresource (`status`, `scale`).
    func object(_ key: ObjectKey, subresource: String? = nil) -> String {
        var path = collection(namespace: resource.namespaced ? (key.namespace ?? "default") : nil) + "/" + escape(key.name)
        if let subresource { path += "/" + subresource }
        return path
    }

    private func escape(_ segment: String) -> String {
        // Names and namespaces are DNS labels and subdomains, so nothing needs escaping; Foundation only for the rest.
        if segment.utf8.allSatisfy(isUnreservedInURLs) { return segment }
        return segment.addingPercentEncoding(withAllowedCharacters: Self.segmentAllowed) ?? segment
    }

    private static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))
}

/// RFC 3986's unreserved characters (letters, digits, `-._~`), which no part of a URL escapes.
func isUnreservedInURLs(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
         UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
        return true
    default:
        return false
    }
}

/// Characters a query value keeps as they are.
private let queryValueAllowed: CharacterSet = {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+;,/?")
    return allowed
}()

/// `?a=b&c=d` from the non-nil pairs, percent-encoded.
func queryString(_ pairs: [(String, String?)]) -> String {
    let parts = pairs.compactMap { name, value -> String? in
        guard let value else { return nil }
        if value.utf8.allSatisfy(isUnreservedInURLs) { return "\(name)=\(value)" }
        return "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: queryValueAllowed) ?? value)"
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}
