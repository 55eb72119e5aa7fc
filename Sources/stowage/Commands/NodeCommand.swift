import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StowageClient
import StowageControllers
import StowageServer
import StowageStore

/// `stowage node --server URL --kubeconfig FILE`: this machine as one more node of a server elsewhere. It runs
/// the built-in drivers, the node agent (registration, capacity, volumes, pods) and, for the claims placed on this
/// node, the provisioner and reclaimer (external-provisioner's node deployment), all through the server's API.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Join this machine to a Stowage server as a node: stowage node --server https://HOST:6443 --kubeconfig FILE.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var node: NodeOptions

    @Option(name: .customLong("endpoint-port"), help: ArgumentHelp(
        "The port on --host-ip where this node serves its pods' logs and exec to the API server (kubelet's 10250; TLS, clients with a certificate of the cluster CA only); 0 serves none.",
        valueName: "port"))
    var endpointPort = 10250

    func validate() throws {
        let environment = ProcessInfo.processInfo.environment["STOWAGE_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        guard connection.server ?? environment != nil || connection.kubeconfig != nil else {
            throw ValidationError("stowage node needs the server: --server https://HOST:PORT with --kubeconfig FILE (the server's <state-dir>/kubeconfig), or --kubeconfig alone")
        }
        guard (0...65535).contains(endpointPort) else {
            throw ValidationError("--endpoint-port \(endpointPort): expected a port from 1 to 65535, or 0 for no endpoint")
        }
    }

    func run() async throws {
        umask(0o077)
        let state = connection.state
        let lock: StateDirectoryLock
        do {
            lock = try StateDirectoryLock.acquire(directory: state.resolvedDirectory)
        } catch {
            throw CommandFailure("\(error)")
        }
        defer { lock.release() }
        var logger = Logger(label: "stowage.node")
        logger.logLevel = .warning
        try await CommandErrors.reporting {
            let endpoint = try connection.endpoint()
            let cluster = try HTTPCluster(endpoint: endpoint)
            do {
                _ = try await cluster.serverVersion()
                var endpointServices: [any Service] = []
                var annotations: [String: String] = [:]
                if endpointPort != 0 {
                    guard let clusterCA = endpoint.certificateAuthorityPEM else {
                        throw CommandFailure("--endpoint-port: the node endpoint needs the cluster's CA (certificate-authority-data in the kubeconfig) to check the API server's certificate; or pass --endpoint-port 0")
                    }
                    let server = try NodeEndpointServer(cluster: cluster, podsDirectory: state.resolvedDirectory + "/pods",
                                                        containerCommand: state.execLauncher,
                                                        pkiDirectory: state.resolvedDirectory + "/pki", nodeName: node.resolvedNodeName,
                                                        host: node.resolvedHostIP,
                                                        port: endpointPort, clusterCertificateAuthorityPEM: clusterCA, logger: logger)
                    endpointServices = [try server.service()]
                    annotations = server.annotations
                }
                let services = try node.services(cluster: cluster, state: state, logger: logger, nodeAnnotations: annotations) + endpointServices
                let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(
                    selection: try ControllerSelection(parsing: "provisioner,reclaimer"), pluginsDirectory: state.pluginsDirectory,
                    nodeDeployment: node.resolvedNodeName), logger: logger)
                print("stowage: node \(node.resolvedNodeName) of \(cluster.endpoint.displayName); state in \(state.resolvedDirectory)")
                if !annotations.isEmpty {
                    print("stowage: serving this node's pod logs and exec to the API server at \(annotations[NodeEndpointAnnotations.url] ?? "")")
                }
                print("stowage: drivers \(node.driverNames.isEmpty ? "(none started)" : node.driverNames.joined(separator: ",")); provisioning the claims placed on this node")
                fflush(nil)
                let group = ServiceGroup(configuration: .init(
                    services: (services + [ControllerService(manager: manager)]).map { .init(service: $0) },
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            } catch {
                try? await cluster.shutdown()
                throw error
            }
            try? await cluster.shutdown()
        }
    }
}
