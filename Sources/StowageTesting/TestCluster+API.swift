import Foundation
import Logging
import ServiceLifecycle
import StowageClient
import StowageNode
import StowageServer

/// The HTTP side of a ``TestCluster``: the service group serving it and a client connected to it.
struct ServedAPI {
    let group: ServiceGroup
    let task: Task<Void, any Error>
    let client: HTTPCluster
    let runtime: APIServerRuntime
}

extension TestCluster {
    /// The cluster's state directory: the store, and once ``serveAPI()`` ran, `api.sock`, `pki/` and `kubeconfig`.
    public var stateDirectory: String { "\(directory)/state" }
    /// The kubeconfig ``serveAPI()`` writes (TLS on 127.0.0.1, the admin token): `kubectl --kubeconfig` it.
    public var kubeconfigPath: String { "\(stateDirectory)/kubeconfig" }

    /// Serves this cluster's API as `stowage serve` does: `<state>/api.sock` (mode 0600, no authentication) and
    /// TLS on 127.0.0.1 at a free port, with a CA, certificates and a kubeconfig made on first use. Returns a
    /// client on the socket; calling it again returns the same client.
    /// - Throws: ``TestClusterError`` when the listeners do not come up within 30 s; the server's own errors.
    @discardableResult
    public func serveAPI() async throws -> HTTPCluster {
        if let running = lock.withLock({ api }) { return running.client }
        var logger = Logger(label: "stowage.testcluster.api")
        logger.logLevel = .critical
        let options = APIServerOptions(
            stateDirectory: stateDirectory, listenAddresses: ["127.0.0.1:0"], podsDirectory: podsDirectory,
            containerCommand: RunningContainers.execLauncher(podsDirectory: podsDirectory, helper: BuiltInDriver.binaries + "/stowage-container-init"))
        let runtime = try APIServerRuntime(options: options, cluster: cluster, logger: logger)
        let group = ServiceGroup(configuration: .init(services: try runtime.services().map { .init(service: $0) }, logger: logger))
        let task = Task { try await group.run() }
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !FileManager.default.fileExists(atPath: options.socketPath) || runtime.listeningURLs.isEmpty
                || !FileManager.default.fileExists(atPath: options.kubeconfigPath) {
            guard ContinuousClock.now < deadline else {
                task.cancel()
                _ = await task.result
                throw TestClusterError("the API did not start listening within 30 s (socket \(options.socketPath))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        let client = try HTTPCluster(endpoint: .stateDirectory(stateDirectory))
        lock.withLock { api = ServedAPI(group: group, task: task, client: client, runtime: runtime) }
        return client
    }

    /// The HTTPS URL the API listens on, once ``serveAPI()`` ran.
    public var apiURL: String? { lock.withLock { api?.runtime.listeningURLs.first } }

    /// Stops serving HTTP (the in-process API keeps working). Does nothing when not serving.
    public func stopAPI() async {
        guard let served = lock.withLock({ () -> ServedAPI? in
            defer { api = nil }
            return api
        }) else { return }
        try? await served.client.shutdown()
        await served.group.triggerGracefulShutdown()
        served.task.cancel()
        _ = await served.task.result
    }
}
