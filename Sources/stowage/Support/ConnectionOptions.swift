import ArgumentParser
import Foundation
import StowageClient

/// How client commands find the API server: `--server`, else `$STOWAGE_SERVER`, else `--kubeconfig`, else the
/// state directory's socket (`<state-dir>/api.sock`).
struct ConnectionOptions: ParsableArguments {
    @Option(name: .customLong("server"), help: ArgumentHelp(
        "The API server: unix:///path/api.sock or https://host:port (default: $STOWAGE_SERVER, else the state directory's socket).",
        valueName: "url"))
    var server: String?

    @Option(name: .customLong("kubeconfig"), help: ArgumentHelp(
        "A kubeconfig with the server's CA and credentials (used for https servers; default: <state-dir>/kubeconfig).",
        valueName: "file"))
    var kubeconfig: String?

    @OptionGroup var state: StateOptions

    /// The server's HTTPS address with credentials: the endpoint these options name when it is HTTPS, else the one
    /// the state directory's kubeconfig names (the server writes it there).
    func httpsEndpoint() throws -> HTTPClusterEndpoint {
        let named = try endpoint()
        if case .https = named.address { return named }
        let file = kubeconfig ?? state.resolvedDirectory + "/kubeconfig"
        guard FileManager.default.fileExists(atPath: file) else {
            throw ClusterConnectionError("the server's HTTPS address is needed and \(file) does not exist: give --kubeconfig FILE")
        }
        return try Kubeconfig.endpoint(path: file)
    }

    /// The endpoint these options name, with credentials for HTTPS.
    func endpoint() throws -> HTTPClusterEndpoint {
        let environment = ProcessInfo.processInfo.environment["STOWAGE_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        if let address = server ?? environment {
            var endpoint = try HTTPClusterEndpoint.parse(address)
            if case .https = endpoint.address {
                let file = kubeconfig ?? state.resolvedDirectory + "/kubeconfig"
                guard FileManager.default.fileExists(atPath: file) else {
                    throw ClusterConnectionError("\(address) needs credentials: give --kubeconfig FILE (the server writes one to <state-dir>/kubeconfig)")
                }
                let credentials = try Kubeconfig.endpoint(path: file)
                endpoint.credentials = credentials.credentials
                endpoint.certificateAuthorityPEM = credentials.certificateAuthorityPEM
            }
            return endpoint
        }
        if let kubeconfig { return try Kubeconfig.endpoint(path: kubeconfig) }
        let endpoint = HTTPClusterEndpoint.stateDirectory(state.resolvedDirectory)
        if case .unixSocket(let path) = endpoint.address, !FileManager.default.fileExists(atPath: path) {
            throw ClusterConnectionError(Self.noServerMessage(endpoint))
        }
        return endpoint
    }

    /// Connects, runs `body`, and always closes the connection pool.
    func withCluster<Result>(_ body: (HTTPCluster) async throws -> Result) async throws -> Result {
        let endpoint = try endpoint()
        let cluster = try HTTPCluster(endpoint: endpoint)
        do {
            let result = try await body(cluster)
            try? await cluster.shutdown()
            return result
        } catch let error as ClusterConnectionError {
            try? await cluster.shutdown()
            if case .unixSocket = endpoint.address, server == nil { throw ClusterConnectionError(Self.noServerMessage(endpoint)) }
            throw error
        } catch {
            try? await cluster.shutdown()
            throw error
        }
    }

    static func noServerMessage(_ endpoint: HTTPClusterEndpoint) -> String {
        """
        no Stowage server is running at \(endpoint.displayName). Start one with `stowage serve` (or `stowage up -f FILE`) \
        using the same --state-dir, or point --server or $STOWAGE_SERVER at a running server
        """
    }
}
