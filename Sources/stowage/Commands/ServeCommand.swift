import ArgumentParser
import Foundation
import Logging
import StowageClient
import StowageControllers
import ServiceLifecycle
import StowageServer

/// `stowage serve`: the Kubernetes-compatible API on the state directory's socket and on TLS TCP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Kubernetes API: <state-dir>/api.sock (mode 0600) and HTTPS on 127.0.0.1:6443 (token or client certificate).",
        discussion: """
            On first start it creates a CA and serving certificate in <state-dir>/pki, an admin token, and \
            <state-dir>/kubeconfig, so that `KUBECONFIG=<state-dir>/kubeconfig kubectl get pvc` works.
            """)

    @Option(name: .customLong("listen-address"), help: ArgumentHelp(
        "A TCP address to serve HTTPS on (host:port; repeatable; port 0 picks a free port).", valueName: "address"))
    var listenAddresses: [String] = []

    @Option(name: .customLong("tls-san"), help: ArgumentHelp("An extra host name or IP address for the serving certificate (repeatable).", valueName: "name"))
    var tlsSANs: [String] = []

    @Option(name: .customLong("tokens-file"), help: ArgumentHelp("A static token file (token,user,uid,\"group1,group2\") with more users.", valueName: "file"))
    var tokensFile: String?

    @Option(help: ArgumentHelp(
        "Controllers to run, as kube-controller-manager spells it: * for all, name to add, -name to leave out (known: \(ControllerSelection.known.joined(separator: ", "))).",
        valueName: "list"))
    var controllers = "*"

    @OptionGroup var node: NodeOptions

    @OptionGroup var state: StateOptions

    func validate() throws {
        _ = try ControllerSelection(parsing: controllers)
    }

    func run() async throws {
        try await CommandErrors.reporting {
            umask(0o077)
            let cluster = try await state.openCluster()
            let options = APIServerOptions(stateDirectory: state.resolvedDirectory,
                                           listenAddresses: listenAddresses.isEmpty ? ["127.0.0.1:6443"] : listenAddresses,
                                           tlsSubjectAlternativeNames: tlsSANs, tokensFile: tokensFile,
                                           containerCommand: state.execLauncher)
            var logger = Logger(label: "stowage.api")
            logger.logLevel = .warning
            let runtime: APIServerRuntime
            do {
                runtime = try APIServerRuntime(options: options, cluster: cluster, logger: logger)
            } catch {
                await cluster.store.close()
                throw CommandFailure("\(error)")
            }
            print("stowage: state in \(state.resolvedDirectory)")
            let classes = try await DefaultStorageClasses.ensure(in: cluster, drivers: node.driverNames)
            if !classes.isEmpty { print("stowage: created StorageClasses \(classes.joined(separator: ", "))") }
            print("stowage: serving unix://\(options.socketPath) and https on \(options.listenAddresses.joined(separator: ", "))")
            print("stowage: KUBECONFIG=\(options.kubeconfigPath) kubectl get pvc")
            fflush(nil)
            let manager = ControllerManager(cluster: cluster, options: ControllerManagerOptions(
                selection: try ControllerSelection(parsing: controllers), pluginsDirectory: state.pluginsDirectory,
                stagingDirectory: state.resolvedDirectory + "/staging"))
            let nodeServices: [any Service]
            do {
                nodeServices = try node.services(cluster: cluster, state: state, logger: logger)
            } catch {
                await cluster.store.close()
                throw CommandFailure("\(error)")
            }
            print("stowage: controllers \(manager.options.selection.enabled.joined(separator: ",")); drivers' sockets in \(state.pluginsDirectory)")
            print("stowage: node \(node.resolvedNodeName); drivers \(node.driverNames.isEmpty ? "(none started)" : node.driverNames.joined(separator: ","))")
            fflush(nil)
            do {
                // A service group stops its services in reverse order: the controllers and the node agent stop
                // before the drivers they call.
                try await runtime.run(alongside: nodeServices + [ControllerService(manager: manager), HeapTrimmer()])
            } catch {
                await cluster.store.close()
                throw CommandFailure("the API server stopped: \(error)")
            }
            await cluster.store.close()
        }
    }
}
