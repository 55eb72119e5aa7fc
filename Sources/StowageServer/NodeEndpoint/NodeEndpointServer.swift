import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle
import StowageAPI
import StowageClient

/// What `stowage node` serves to the API server, as kubelet's port 10250 does, for the pods it runs: their logs
/// (`GET /api/v1/namespaces/{namespace}/pods/{name}/log`, with the same query as the API's `pods/log`), read from
/// its own files, and `exec` (`/api/v1/namespaces/{namespace}/pods/{name}/exec` over a WebSocket, the API's
/// protocol), run in its own containers. TLS only, and only for clients with a certificate of the cluster's CA (the API server's).
/// The serving certificate comes from a CA of the node's own (`<state-dir>/pki`), which the node publishes on its
/// Node object (``NodeEndpointAnnotations``) for the API server to trust.
public final class NodeEndpointServer: Sendable {
    /// The node's own CA and serving certificate.
    public let pki: PKI
    /// `https://HOST:PORT`.
    public let url: String
    private let cluster: any Cluster
    private let podsDirectory: String
    private let containerCommand: ContainerCommandLauncher
    private let host: String
    private let port: Int
    private let clusterCertificateAuthorityPEM: String
    private let logger: Logger

    /// - Parameters:
    ///   - nodeName: the Node's name, which the serving certificate also carries (TLS cannot name an IP address
    ///     in SNI, so the API server's WebSocket client names the node).
    ///   - host: the address to listen on and to publish (the node's InternalIP).
    ///   - clusterCertificateAuthorityPEM: the cluster CA (from the kubeconfig); client certificates must chain to it.
    /// - Throws: when the node's PKI cannot be created or read.
    ///   - containerCommand: how a command runs in one of this node's containers.
    public init(cluster: any Cluster, podsDirectory: String, containerCommand: @escaping ContainerCommandLauncher,
                pkiDirectory: String, nodeName: String, host: String, port: Int, clusterCertificateAuthorityPEM: String,
                logger: Logger) throws {
        pki = try PKI.loadOrCreate(directory: pkiDirectory, subjectAlternativeNames: [host, nodeName])
        self.cluster = cluster
        self.podsDirectory = podsDirectory
        self.containerCommand = containerCommand
        self.host = host
        self.port = port
        self.clusterCertificateAuthorityPEM = clusterCertificateAuthorityPEM
        self.logger = logger
        url = "https://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// The annotations that tell the API server where the endpoint is and which CA signed it.
    public var annotations: [String: String] {
        [NodeEndpointAnnotations.url: url, NodeEndpointAnnotations.certificateAuthority: pki.caCertificatePEM]
    }

    /// The listener, to run in a `ServiceGroup`.
    /// - Throws: when a certificate or key cannot be parsed.
    public func service() throws -> any Service {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.serverCertificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.serverKeyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        // A client certificate is required, and must chain to the cluster's CA.
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clusterCertificateAuthorityPEM.utf8)))
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: StatusMiddleware())
        let logs = PodLogSubresource(cluster: cluster, podsDirectory: podsDirectory)
        router.get("/api/v1/namespaces/:namespace/pods/:name/log") { request, context -> Response in
            let key = ObjectKey(namespace: try context.parameters.require("namespace"), name: try context.parameters.require("name"))
            return try await logs.handle(request, key: key, query: QueryParameters(request))
        }
        let webSocketRouter = Router(context: APIRequestContext.self)
        PodExecSubresource.addWebSocketRoute(to: webSocketRouter, PodExecSubresource.Backend(
            cluster: cluster, launcher: containerCommand, podsDirectory: podsDirectory, logger: logger))
        return Application(router: router, server: try .tls(.http1WebSocketUpgrade(webSocketRouter: webSocketRouter), tlsConfiguration: tls),
                           configuration: .init(address: .hostname(host, port: port), serverName: nil), logger: logger)
    }
}
