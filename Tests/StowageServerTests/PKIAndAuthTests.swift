import Foundation
import Testing
import X509
@testable import StowageServer

@Suite struct PKIAndAuthTests {
    @Test func thePKIIsCreatedOnceWithPrivateKeysAndTheRightNames() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try PKI.loadOrCreate(directory: directory, subjectAlternativeNames: ["stowage.example", "10.1.2.3"])
        for key in ["ca.key", "server.key", "admin.key"] {
            let mode = try FileManager.default.attributesOfItem(atPath: "\(directory)/\(key)")[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(key) is private")
        }
        let server = try Certificate(pemEncoded: first.serverCertificatePEM)
        let names = try #require(try server.extensions.subjectAlternativeNames).map(\.description).joined(separator: " ")
        for expected in ["IPAddress([127, 0, 0, 1])", "DNSName(\"localhost\")", "DNSName(\"stowage.example\")", "IPAddress([10, 1, 2, 3])"] { #expect(names.contains(expected), "\(names)") }
        #expect(server.issuer == first.caCertificate.subject)

        let second = try PKI.loadOrCreate(directory: directory, subjectAlternativeNames: ["stowage.example", "10.1.2.3"])
        #expect(second.caCertificatePEM == first.caCertificatePEM, "the CA is reused")
        #expect(second.serverCertificatePEM == first.serverCertificatePEM, "the serving certificate is reused while its names fit")
        let third = try PKI.loadOrCreate(directory: directory, subjectAlternativeNames: ["other.example"])
        #expect(third.caCertificatePEM == first.caCertificatePEM)
        #expect(third.serverCertificatePEM != first.serverCertificatePEM, "new names re-issue the serving certificate")
    }

    @Test func tokensComeFromTheAdminFileAndTheStaticTokenFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = try TokenTable.loadOrCreateAdminToken(directory: directory)
        #expect(admin.count >= 40)
        #expect(try TokenTable.loadOrCreateAdminToken(directory: directory) == admin)
        let file = directory + "/tokens.csv"
        try "# comment\nsecret-1,alice,1001,\"dev,ops\"\nsecret-2,bob,1002\n".write(toFile: file, atomically: true, encoding: .utf8)
        let table = TokenTable(users: try TokenTable.parseTokenFile(file))
        #expect(table.user(for: "secret-1") == AuthenticatedUser(name: "alice", groups: ["dev", "ops"]))
        #expect(table.user(for: "secret-2")?.name == "bob")
        #expect(table.user(for: "secret-3") == nil)
        try "only-a-token\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect { try TokenTable.parseTokenFile(file) } throws: { "\($0)".contains("tokens.csv:1: expected token,user,uid") }
    }
}
