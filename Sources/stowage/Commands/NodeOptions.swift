import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import StowageClient
import StowageNode
import StowageServer

/// `--node-name` and `--drivers`: the node this process serves and the built-in drivers it runs.
struct NodeOptions: ParsableArguments {
    @Option(name: .customLong("node-name"), help: ArgumentHelp("This machine's node name (default: the host name).", valueName: "name"))
    var nodeName: String?

    @Option(help: ArgumentHelp(
        "Built-in drivers to run and supervise, comma-separated (\(DriverSupervisor.builtIn.joined(separator: ","))), or none (drivers started by hand put their sockets in <state-dir>/plugins).",
        valueName: "list"))
    var drivers = DriverSupervisor.builtIn.joined(separator: ",")

    @Option(name: .customLong("host-ip"), help: ArgumentHelp("The address the Node reports as its InternalIP and pods as hostIP (default: the first non-loopback IPv4).", valueName: "ip"))
    var hostIP: String?

    func validate() throws {
        for name in driverNames where !DriverSupervisor.builtIn.contains(name) {
            throw ValidationError("--drivers: unknown driver \(name.debugDescription); the built-in drivers are \(DriverSupervisor.builtIn.joined(separator: ", "))")
        }
    }

    var driverNames: [String] {
        drivers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && $0 != "none" }
    }

    /// The address in effect: `--host-ip`, else the first non-loopback IPv4.
    var resolvedHostIP: String { hostIP ?? NodeAgentOptions.defaultHostIP }

    /// The node name in effect.
    var resolvedNodeName: String { nodeName ?? ProcessInfo.processInfo.hostName.lowercased() }

    /// The driver supervisor and the node agent as services of a `ServiceGroup`.
    /// - Throws: when a driver executable is missing or the node's records cannot be read.
    /// - Parameter nodeAnnotations: set on the Node besides the well-known labels (the node endpoint's address).
    func services(cluster: any Cluster, state: StateOptions, logger: Logger, nodeAnnotations: [String: String] = [:]) throws -> [any Service] {
        try FileManager.default.createDirectory(atPath: state.pluginsDirectory, withIntermediateDirectories: true)
        let supervisor = DriverSupervisor(names: driverNames, stateDirectory: state.resolvedDirectory,
                                          pluginsDirectory: state.pluginsDirectory, nodeName: resolvedNodeName, logger: logger)
        try supervisor.checkExecutables()
        var options = NodeAgentOptions(nodeName: resolvedNodeName, stateDirectory: state.resolvedDirectory,
                                       pluginsDirectory: state.pluginsDirectory, hostIP: hostIP)
        options.nodeAnnotations = nodeAnnotations
        let agent = try NodeAgent(cluster: cluster, options: options, logger: logger)
        return [CancellingService { await supervisor.run() }, CancellingService { await agent.run() }]
    }
}

/// A task that runs until graceful shutdown, as a `Service`.
struct CancellingService: Service {
    let body: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
        // A body with nothing to do (no drivers to supervise) returns at once; the group must not take that for
        // a failure, so the service lasts until shutdown.
        try? await gracefulShutdown()
    }
}

extension StateOptions {
    /// How the API's `pods/exec` reaches the containers of the node agent sharing this state directory.
    var execLauncher: ContainerCommandLauncher {
        RunningContainers.execLauncher(podsDirectory: resolvedDirectory + "/pods",
                                       helper: DriverSupervisor.defaultBinaries + "/stowage-container-init")
    }
}
