import Foundation
import Testing
@testable import StowageClient

@Suite struct KubeconfigTests {
    @Test func readsServerCAAndTokenOfTheCurrentContext() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
        let path = directory + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            current-context: stowage
            clusters:
            - name: other
              cluster: {server: "https://10.0.0.1:6443"}
            - name: stowage
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: \(Data(ca.utf8).base64EncodedString())
            contexts:
            - name: stowage
              context: {cluster: stowage, user: admin}
            users:
            - name: admin
              user: {token: secret-token}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let endpoint = try Kubeconfig.endpoint(path: path)
        #expect(endpoint.address == .https(host: "127.0.0.1", port: 6443))
        #expect(endpoint.credentials == .bearerToken("secret-token"))
        #expect(endpoint.certificateAuthorityPEM == ca)
        #expect(endpoint.displayName == "https://127.0.0.1:6443")
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "only https:// and unix:// are supported"),
        ("unix://relative.sock", "needs an absolute path"),
        ("not a url", "is not a URL"),
    ])
    func refusesServersItCannotUse(server: String, message: String) {
        #expect { try HTTPClusterEndpoint.parse(server) } throws: { "\($0)".contains(message) }
    }

    @Test func parsesSocketAndIPv6Addresses() throws {
        #expect(try HTTPClusterEndpoint.parse("unix:///var/lib/stowage/api.sock").address == .unixSocket(path: "/var/lib/stowage/api.sock"))
        #expect(try HTTPClusterEndpoint.parse("https://[::1]:6443").address == .https(host: "::1", port: 6443))
    }
}
