import Crypto
import Foundation
import SwiftASN1
import X509

/// The server's certificate authority and certificates, kept in `<state-dir>/pki/`:
/// `ca.crt`/`ca.key`, `server.crt`/`server.key` (for 127.0.0.1, ::1, localhost, the host name and any extra
/// names), `admin.crt`/`admin.key` (a client certificate, CN `admin`, O `system:masters`). Keys are written 0600,
/// atomically. Created on first start, reused afterwards; the serving certificate is re-issued when the names it
/// must cover change.
public struct PKI: Sendable {
    public let directory: String
    public let caCertificatePEM: String
    public let caCertificate: Certificate
    public let serverCertificatePEM: String
    public let serverKeyPEM: String
    public let adminCertificatePEM: String
    public let adminKeyPEM: String

    /// Loads the PKI in `directory`, creating what is missing. `subjectAlternativeNames` are extra host names or
    /// IP addresses (`--tls-san`).
    public static func loadOrCreate(directory: String, subjectAlternativeNames: [String] = []) throws -> PKI {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let (caCertificate, caKey) = try loadOrCreateCA(directory)
        let names = servingNames(extra: subjectAlternativeNames)
        let (serverPEM, serverKeyPEM) = try loadOrIssue(directory, "server", caCertificate, caKey) { existing in
            existing.map(Self.names(of:)) == Set(names.map(\.description))
        } issue: { key in
            try issue(commonName: "stowage-apiserver", organizations: [], names: names, usage: .serverAuth,
                      publicKey: key, caCertificate: caCertificate, caKey: caKey)
        }
        let (adminPEM, adminKeyPEM) = try loadOrIssue(directory, "admin", caCertificate, caKey) { $0 != nil } issue: { key in
            try issue(commonName: "admin", organizations: ["system:masters"], names: [], usage: .clientAuth,
                      publicKey: key, caCertificate: caCertificate, caKey: caKey)
        }
        return PKI(directory: directory, caCertificatePEM: try caCertificate.serializeAsPEM().pemString, caCertificate: caCertificate,
                   serverCertificatePEM: serverPEM, serverKeyPEM: serverKeyPEM, adminCertificatePEM: adminPEM, adminKeyPEM: adminKeyPEM)
    }

    /// Issues a client certificate signed by this CA (for a user of another machine's node agent, say).
    public func issueClientCertificate(user: String, groups: [String]) throws -> (certificatePEM: String, keyPEM: String) {
        let caKey = try P256.Signing.PrivateKey(pemRepresentation: try String(contentsOfFile: directory + "/ca.key", encoding: .utf8))
        let key = P256.Signing.PrivateKey()
        let certificate = try Self.issue(commonName: user, organizations: groups, names: [], usage: .clientAuth,
                                         publicKey: key, caCertificate: caCertificate, caKey: caKey)
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    // MARK: Creation

    private static func loadOrCreateCA(_ directory: String) throws -> (Certificate, P256.Signing.PrivateKey) {
        let certificatePath = directory + "/ca.crt", keyPath = directory + "/ca.key"
        if let certificateText = try? String(contentsOfFile: certificatePath, encoding: .utf8),
           let keyText = try? String(contentsOfFile: keyPath, encoding: .utf8) {
            do {
                return (try Certificate(pemEncoded: certificateText), try P256.Signing.PrivateKey(pemRepresentation: keyText))
            } catch {
                throw PKIError("\(certificatePath) or \(keyPath) cannot be read as a certificate and P-256 key: \(error); move them away to create a new CA")
            }
        }
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("stowage")
            CommonName("stowage-ca")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(10 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(key))
        try SecretFile.write(key.pemRepresentation, to: keyPath)
        try SecretFile.write(try certificate.serializeAsPEM().pemString, to: certificatePath, mode: 0o644)
        return (certificate, key)
    }

    private static func loadOrIssue(_ directory: String, _ name: String, _ caCertificate: Certificate, _ caKey: P256.Signing.PrivateKey,
                                    isCurrent: (Certificate?) -> Bool, issue: (P256.Signing.PrivateKey) throws -> Certificate) throws -> (String, String) {
        let certificatePath = "\(directory)/\(name).crt", keyPath = "\(directory)/\(name).key"
        if let certificateText = try? String(contentsOfFile: certificatePath, encoding: .utf8),
           let keyText = try? String(contentsOfFile: keyPath, encoding: .utf8),
           let certificate = try? Certificate(pemEncoded: certificateText),
           certificate.issuer == caCertificate.subject, certificate.notValidAfter > Date().addingTimeInterval(86400),
           isCurrent(certificate) {
            return (certificateText, keyText)
        }
        let key = P256.Signing.PrivateKey()
        let certificate = try issue(key)
        let certificateText = try certificate.serializeAsPEM().pemString
        try SecretFile.write(key.pemRepresentation, to: keyPath)
        try SecretFile.write(certificateText, to: certificatePath, mode: 0o644)
        return (certificateText, key.pemRepresentation)
    }

    private static func issue(commonName: String, organizations: [String], names: [GeneralName], usage: ExtendedKeyUsage.Usage,
                              publicKey key: P256.Signing.PrivateKey, caCertificate: Certificate, caKey: P256.Signing.PrivateKey) throws -> Certificate {
        let subject = try DistinguishedName {
            for organization in organizations { OrganizationName(organization) }
            CommonName(commonName)
        }
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(2 * 365 * 86400),
            issuer: caCertificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([usage])
                if !names.isEmpty { SubjectAlternativeNames(names) }
            },
            issuerPrivateKey: .init(caKey))
    }

    /// 127.0.0.1, ::1, localhost, the host name, and the extra names (IP addresses recognised as such).
    static func servingNames(extra: [String]) -> [GeneralName] {
        var texts = ["127.0.0.1", "::1", "localhost"]
        let host = ProcessInfo.processInfo.hostName
        if !host.isEmpty { texts.append(host) }
        texts += extra
        var seen = Set<String>()
        return texts.filter { seen.insert($0).inserted }.map { text in
            if let bytes = IPAddressBytes.parse(text) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
            return .dnsName(text)
        }
    }

    private static func names(of certificate: Certificate) -> Set<String> {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return Set(names.map(\.description))
    }
}

/// A PKI file could not be read or written.
public struct PKIError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// IPv4 and IPv6 text to bytes, for certificate names.
enum IPAddressBytes {
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
