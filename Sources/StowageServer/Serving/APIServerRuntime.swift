import Foundation
import Hummingbird
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOSSL
import Synchronization
import ServiceLifecycle
import StowageClient

/// The running API: the Unix socket (trusted by its 0600 mode) and TLS listeners that require a token or a
/// CA-signed client certificate, over one `LocalCluster`. Prepares the PKI, the admin token and the kubeconfig
/// before it listens.
public final class APIServerRuntime: Sendable {
    public let options: APIServerOptions
    public let pki: PKI
    /// The admin bearer token (also in `pki/admin.token` and the kubeconfig).
    public let adminToken: String
    private let context: APIServerContext
    private let authenticator: Authenticator
    private let bound = BoundAddresses()

    public init(options: APIServerOptions, cluster: LocalCluster, logger: Logger = Logger(label: "stowage.api")) throws {
        self.options = options
        pki = try PKI.loadOrCreate(directory: options.pkiDirectory, subjectAlternativeNames: options.tlsSubjectAlternativeNames)
        adminToken = try TokenTable.loadOrCreateAdminToken(directory: options.pkiDirectory)
        var users = try options.tokensFile.map(TokenTable.parseTokenFile) ?? [:]
        users[adminToken] = AuthenticatedUser(name: "admin", groups: ["system:masters"])
        authenticator = Authenticator(tokens: TokenTable(users: users))
        var context = APIServerContext(cluster: cluster, logger: logger, podsDirectory: options.podsDirectory,
                                       containerCommand: options.containerCommand)
        // Node endpoints require a client certificate of the cluster's CA: the admin one (system:masters).
        context.nodeForwarder = NodeForwarder(cluster: cluster, clientCertificatePEM: pki.adminCertificatePEM,
                                              clientKeyPEM: pki.adminKeyPEM)
        self.context = context
        for address in options.listenAddresses { _ = try APIServerOptions.hostAndPort(address) }
    }

    /// The HTTPS URLs actually listening (ports resolved), once `services()` are running.
    public var listeningURLs: [String] { bound.urls }

    /// One Hummingbird application per listener, to run in a `ServiceGroup`.
    public func services() throws -> [any Service] {
        var services: [any Service] = []
        if options.serveUnixSocket {
            unlink(options.socketPath)
            let socketPath = options.socketPath
            let router = APIRouter.make(context)
            services.append(Application(
                router: router,
                server: .http1WebSocketUpgrade(webSocketRouter: APIRouter.makeWebSocket(context)),
                configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: nil),
                onServerRunning: { _ in chmod(socketPath, 0o600) },
                logger: context.logger))
        }
        var authenticated = context
        authenticated.authenticator = authenticator
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.serverCertificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.serverKeyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
        for (index, address) in options.listenAddresses.enumerated() {
            let (host, port) = try APIServerOptions.hostAndPort(address)
            let isFirst = index == 0
            let bound = self.bound
            let options = self.options
            let pki = self.pki
            let token = adminToken
            services.append(Application(
                router: APIRouter.make(authenticated),
                server: try .tls(.http1WebSocketUpgrade(webSocketRouter: APIRouter.makeWebSocket(authenticated)), tlsConfiguration: tls),
                configuration: .init(address: .hostname(host, port: port), serverName: nil),
                onServerRunning: { channel in
                    let actualPort = channel.localAddress?.port ?? port
                    let shownHost = host == "0.0.0.0" ? "127.0.0.1" : (host.contains(":") ? "[\(host)]" : host)
                    let url = "https://\(shownHost):\(actualPort)"
                    bound.add(url)
                    if isFirst {
                        do {
                            try KubeconfigWriter.write(to: options.kubeconfigPath, server: url, caCertificatePEM: pki.caCertificatePEM, token: token)
                        } catch {
                            FileHandle.standardError.write(Data("stowage: cannot write \(options.kubeconfigPath): \(error)\n".utf8))
                        }
                    }
                },
                logger: context.logger))
        }
        return services
    }

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully; `alongside` services (the controllers) run in
    /// the same group and stop with it.
    public func run(alongside: [any Service] = []) async throws {
        let group = ServiceGroup(configuration: .init(
            services: (try services() + alongside).map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: context.logger))
        try await group.run()
    }
}

/// The URLs listeners bound to, filled in as they start.
final class BoundAddresses: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ url: String) { storage.withLock { $0.append(url) } }
    var urls: [String] { storage.withLock { $0 } }
}
