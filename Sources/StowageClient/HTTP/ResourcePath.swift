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
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}

/// `?a=b&c=d` from the non-nil pairs, percent-encoded.
func queryString(_ pairs: [(String, String?)]) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+;,/?")
    let parts = pairs.compactMap { name, value -> String? in
        guard let value else { return nil }
        return "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
    }
    return parts.isEmpty ? "" : "?" + parts.joined(separator: "&")
}
