import Foundation
import Yams

/// Reads the current context of a kubeconfig file into an `HTTPClusterEndpoint`: the server, the CA
/// (`certificate-authority-data` or `certificate-authority`), and a token or client certificate.
public enum Kubeconfig {
    /// The endpoint of the current (or the named) context of the kubeconfig at `path`.
    public static func endpoint(path: String, context requestedContext: String? = nil) throws -> HTTPClusterEndpoint {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ClusterConnectionError("cannot read kubeconfig \(path)")
        }
        let base = (path as NSString).deletingLastPathComponent
        guard let root = try Yams.load(yaml: text) as? [String: Any] else {
            throw ClusterConnectionError("kubeconfig \(path) is not a YAML mapping")
        }
        guard let contextName = requestedContext ?? root["current-context"] as? String else {
            throw ClusterConnectionError("kubeconfig \(path) has no current-context")
        }
        let context = try named(contextName, in: root, list: "contexts", item: "context", path: path)
        guard let clusterName = context["cluster"] as? String else {
            throw ClusterConnectionError("kubeconfig \(path): context \"\(contextName)\" names no cluster")
        }
        let cluster = try named(clusterName, in: root, list: "clusters", item: "cluster", path: path)
        guard let server = cluster["server"] as? String else {
            throw ClusterConnectionError("kubeconfig \(path): cluster \"\(clusterName)\" has no server")
        }
        var endpoint = try HTTPClusterEndpoint.parse(server)
        endpoint.certificateAuthorityPEM = try material(cluster, data: "certificate-authority-data", file: "certificate-authority", base: base)
        if let userName = context["user"] as? String {
            let user = try named(userName, in: root, list: "users", item: "user", path: path)
            if let token = user["token"] as? String {
                endpoint.credentials = .bearerToken(token)
            } else if let certificate = try material(user, data: "client-certificate-data", file: "client-certificate", base: base),
                      let key = try material(user, data: "client-key-data", file: "client-key", base: base) {
                endpoint.credentials = .clientCertificate(certificatePEM: certificate, keyPEM: key)
            }
        }
        return endpoint
    }

    private static func named(_ name: String, in root: [String: Any], list: String, item: String, path: String) throws -> [String: Any] {
        let entries = root[list] as? [[String: Any]] ?? []
        guard let entry = entries.first(where: { $0["name"] as? String == name }), let body = entry[item] as? [String: Any] else {
            throw ClusterConnectionError("kubeconfig \(path): no \(item) named \"\(name)\" in \(list)")
        }
        return body
    }

    private static func material(_ section: [String: Any], data dataKey: String, file fileKey: String, base: String) throws -> String? {
        if let encoded = section[dataKey] as? String {
            guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else {
                throw ClusterConnectionError("kubeconfig: \(dataKey) is not base64-encoded PEM")
            }
            return text
        }
        if let file = section[fileKey] as? String {
            let full = file.hasPrefix("/") ? file : (base as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw ClusterConnectionError("kubeconfig: cannot read \(fileKey) \(full)")
            }
            return text
        }
        return nil
    }
}
