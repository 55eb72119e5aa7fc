import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StowageClient
import StowageControllers
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

    func validate() throws {
        let environment = ProcessInfo.processInfo.environment["STOWAGE_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        guard connection.server ?? environment != nil || connection.kubeconfig != nil else {
            throw ValidationError("stowage node needs the server: --server https://HOST:PORT with --kubeconfig FILE (the server's <state-dir>/kubeconfig), or --kubeconfig alone")
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
            let cluster = try HTTPCluster(endpoint: try connection.endpoint())
            do {
                _ = try await cluster.serverVersion()
                let services = try node.services(cluster: cluster, state: state, logger: logger)
                let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(
                    selection: try ControllerSelection(parsing: "provisioner,reclaimer"), pluginsDirectory: state.pluginsDirectory,
                    nodeDeployment: node.resolvedNodeName), logger: logger)
                print("stowage: node \(node.resolvedNodeName) of \(cluster.endpoint.displayName); state in \(state.resolvedDirectory)")
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
