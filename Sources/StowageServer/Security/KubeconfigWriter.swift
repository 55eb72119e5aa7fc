import Foundation

/// Writes `<state-dir>/kubeconfig` (0600): cluster `stowage` at the TCP address with the CA inline, user `admin`
/// with the admin token, context `stowage` current. `KUBECONFIG=<state-dir>/kubeconfig kubectl get pvc` works.
public enum KubeconfigWriter {
    public static func write(to path: String, server: String, caCertificatePEM: String, token: String) throws {
        let ca = Data(caCertificatePEM.utf8).base64EncodedString()
        let text = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: stowage
              cluster:
                server: \(server)
                certificate-authority-data: \(ca)
            users:
            - name: admin
              user:
                token: \(token)
            contexts:
            - name: stowage
              context:
                cluster: stowage
                user: admin
                namespace: default
            current-context: stowage
            preferences: {}

            """
        try SecretFile.write(text, to: path)
    }
}
