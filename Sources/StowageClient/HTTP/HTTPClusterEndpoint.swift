import Foundation
import NIOSSL

/// Where an `HTTPCluster` connects and how it proves who it is.
public struct HTTPClusterEndpoint: Sendable, Equatable {
    /// How to reach the server.
    public enum Address: Sendable, Equatable {
        /// The local Unix socket (`<state-dir>/api.sock`); trusted by file mode, no credentials.
        case unixSocket(path: String)
        /// An HTTPS server, e.g. `https://127.0.0.1:6443`.
        case https(host: String, port: Int)
    }

    /// Client credentials for HTTPS.
    public enum Credentials: Sendable, Equatable {
        case none
        /// `Authorization: Bearer <token>`.
        case bearerToken(String)
        /// A client certificate and its key, PEM-encoded.
        case clientCertificate(certificatePEM: String, keyPEM: String)
    }

    public var address: Address
    public var credentials: Credentials
    /// PEM of the CA that signed the server's certificate (HTTPS only).
    public var certificateAuthorityPEM: String?

    public init(address: Address, credentials: Credentials = .none, certificateAuthorityPEM: String? = nil) {
        self.address = address
        self.credentials = credentials
        self.certificateAuthorityPEM = certificateAuthorityPEM
    }

    /// The local socket of a state directory.
    public static func stateDirectory(_ directory: String) -> HTTPClusterEndpoint {
        HTTPClusterEndpoint(address: .unixSocket(path: (directory as NSString).appendingPathComponent("api.sock")))
    }

    /// Parses `unix:///path/api.sock` or `https://host:port` (credentials are added separately).
    public static func parse(_ server: String) throws -> HTTPClusterEndpoint {
        if server.hasPrefix("unix://") {
            let path = String(server.dropFirst("unix://".count))
            guard path.hasPrefix("/") else {
                throw ClusterConnectionError("server \"\(server)\": a unix socket address needs an absolute path, e.g. unix:///var/lib/stowage/api.sock")
            }
            return HTTPClusterEndpoint(address: .unixSocket(path: path))
        }
        guard let url = URL(string: server), let scheme = url.scheme, let host = url.host, !host.isEmpty else {
            throw ClusterConnectionError("server \"\(server)\" is not a URL; use unix:///path/to/api.sock or https://host:port")
        }
        guard scheme == "https" else {
            throw ClusterConnectionError("server \"\(server)\": only https:// and unix:// are supported (the TCP port speaks TLS only)")
        }
        let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        return HTTPClusterEndpoint(address: .https(host: bareHost, port: url.port ?? 443))
    }

    /// The TLS configuration that reaches an HTTPS endpoint: TLS 1.2 or newer, the endpoint's CA trusted (else the
    /// system's), its client certificate presented when that is its credential.
    /// - Throws: ``ClusterConnectionError`` when the CA, certificate or key is not valid PEM.
    public func tlsConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let pem = certificateAuthorityPEM {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
            } catch {
                throw ClusterConnectionError("the certificate authority is not valid PEM: \(error)")
            }
        }
        if case .clientCertificate(let certificatePEM, let keyPEM) = credentials {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
            } catch {
                throw ClusterConnectionError("the client certificate or key is not valid PEM: \(error)")
            }
        }
        return tls
    }

    /// The `Authorization` header the credentials call for (a bearer token), or nil.
    public var authorizationHeader: String? {
        if case .bearerToken(let token) = credentials { return "Bearer \(token)" }
        return nil
    }

    /// How the endpoint reads in messages.
    public var displayName: String {
        switch address {
        case .unixSocket(let path): return "unix://\(path)"
        case .https(let host, let port): return "https://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
    }
}

/// The client could not be set up or could not reach the server; says what to do about it.
public struct ClusterConnectionError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
