import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageControllers
import StowageServer
import ServiceLifecycle
import Logging

/// `stowage up -f FILE`: everything in the foreground — open the state, apply the file, show the objects and
/// their changes until Ctrl-C.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Apply manifests on embedded defaults and show the objects converging until Ctrl-C.",
        discussion: """
            Uses the default state directory (or --state-dir), applies every file all-or-nothing, prints the objects, \
            then prints each change as it happens. With --once it prints the objects and exits.
            """)

    @OptionGroup var manifests: ManifestFileOptions

    @Flag(help: "Print the objects after applying and exit instead of watching.")
    var once = false

    @Option(name: .customLong("listen-address"), help: ArgumentHelp(
        "A TCP address to serve the API on over HTTPS (host:port; repeatable; port 0 picks a free port).", valueName: "address"))
    var listenAddresses: [String] = []

    @OptionGroup var node: NodeOptions

    @OptionGroup var state: StateOptions

    func run() async throws {
        try await CommandErrors.reporting {
            let objects = try manifests.load()
            let cluster = try await state.openCluster()
            print("stowage: state in \(state.resolvedDirectory)")
            // Before the file: admission gives claims without a class the default class when they are created.
            let classes = try await DefaultStorageClasses.ensure(in: cluster, drivers: node.driverNames)
            if !classes.isEmpty { print("stowage: created StorageClasses \(classes.joined(separator: ", "))") }
            for outcome in try await ManifestApplier(cluster: cluster).apply(objects) { print(outcome.line) }
            var kinds: [any APIObject.Type] = []
            for item in objects where !kinds.contains(where: { $0.resource == type(of: item.object).resource }) {
                kinds.append(type(of: item.object))
            }
            // A StatefulSet converges through the pods and claims it makes: show those too.
            let sets = objects.compactMap { $0.object as? StatefulSet }
            if !sets.isEmpty {
                for extra in [Pod.self, PersistentVolumeClaim.self] as [any APIObject.Type]
                where !kinds.contains(where: { $0.resource == extra.resource }) {
                    kinds.append(extra)
                }
            }
            var revisions: [String] = []
            for kind in kinds {
                print("")
                revisions.append(try await show(kind, cluster: cluster))
            }
            if once {
                await cluster.store.close()
                return
            }
            var logger = Logger(label: "stowage.api")
            logger.logLevel = .warning
            let options = APIServerOptions(stateDirectory: state.resolvedDirectory,
                                           listenAddresses: listenAddresses.isEmpty ? ["127.0.0.1:6443"] : listenAddresses,
                                           containerCommand: state.execLauncher)
            let runtime = try APIServerRuntime(options: options, cluster: cluster, logger: logger)
            try FileManager.default.createDirectory(atPath: state.pluginsDirectory, withIntermediateDirectories: true)
            // On a terminal the sets' pods and claims are one live view; elsewhere every change is a line. Info logs
            // written into the view would shift its redraw, so the live view keeps only warnings.
            let live = UpProgressView.isTerminal && !sets.isEmpty
            var controllerLogger = Logger(label: "stowage.controllers")
            if live { controllerLogger.logLevel = .warning }
            let controllers = ControllerService(manager: ControllerManager(
                cluster: cluster, options: ControllerManagerOptions(pluginsDirectory: state.pluginsDirectory,
                                                                  stagingDirectory: state.resolvedDirectory + "/staging"),
                logger: controllerLogger))
            let nodeServices = try node.services(cluster: cluster, state: state, logger: logger)
            let services = ServiceGroup(configuration: .init(services: (try runtime.services() + nodeServices + [controllers, HeapTrimmer()]).map { .init(service: $0) },
                                                             gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await services.run() }
                // Say the API is there once it is: the socket appears when the listener is bound.
                let ready = ContinuousClock.now.advanced(by: .seconds(30))
                while !FileManager.default.fileExists(atPath: options.socketPath), ContinuousClock.now < ready {
                    try await Task.sleep(for: .milliseconds(5))
                }
                print("\nAPI: unix://\(options.socketPath); KUBECONFIG=\(options.kubeconfigPath) kubectl get pvc")
                for set in sets { print(persistenceProof(set)) }
                print("watching for changes (Ctrl-C to stop)")
                // Progress must reach a pipe or a log file as it happens, not when a buffer fills.
                fflush(nil)
                if live {
                    let view = UpProgressView(cluster: cluster, sets: sets.map {
                        ObjectKey(namespace: $0.metadata.namespace ?? "default", name: $0.metadata.name ?? "")
                    })
                    group.addTask { try await view.run() }
                }
                for (kind, revision) in zip(kinds, revisions) where !(live && [Pod.resource, PersistentVolumeClaim.resource, StatefulSet.resource].contains(kind.resource)) {
                    group.addTask { try await follow(kind, from: revision, cluster: cluster) }
                }
                // The API stops on Ctrl-C or SIGTERM; then everything stops.
                try await group.next()
                group.cancelAll()
            }
            await cluster.store.close()
        }
    }

    /// The commands that show a set's pods coming back to their own data: read a pod's volume, delete the pod,
    /// wait for it to return, read again.
    func persistenceProof(_ set: StatefulSet) -> String {
        let name = set.metadata.name ?? ""
        let ordinal = set.startOrdinal + (set.ordinals.count > 1 ? 1 : 0)
        let pod = set.podName(ordinal: ordinal)
        let claimNames = Set((set.spec?.volumeClaimTemplates ?? []).compactMap(\.metadata.name))
        let mount = set.spec?.template?.spec?.containers?.lazy.compactMap { container in
            container.volumeMounts?.first { claimNames.contains($0.name ?? "") }
        }.first
        let namespace = set.metadata.namespace.map { $0 == "default" ? "" : " -n \($0)" } ?? ""
        let stateFlag = state.stateDirectory.map { " --state-dir \($0)" } ?? ""
        guard let mountPath = mount?.mountPath, let claim = mount?.name else {
            return "\nStatefulSet \(name): delete pod \(pod) and it comes back under its name."
        }
        let read = "stowage exec \(pod)\(namespace)\(stateFlag) -- sh -c 'ls \(mountPath); cat \(mountPath)/* 2>/dev/null'"
        return """

            StatefulSet \(name): \(pod) keeps its claim \(set.claimName(template: claim, ordinal: ordinal)) across re-creation. In another terminal:
              \(read)
              stowage delete pod \(pod)\(namespace)\(stateFlag) && stowage wait pod/\(pod)\(namespace)\(stateFlag) --for=jsonpath='{.status.phase}'=Running --timeout=60s
              \(read)
            """
    }

    /// Prints the table of a kind across namespaces; returns the list's revision.
    private func show<T: APIObject>(_ type: T.Type, cluster: LocalCluster) async throws -> String {
        let page = try await cluster.list(type, ListOptions())
        print(try ObjectPrinter(format: .table, showNamespace: T.resource.namespaced).render(page.items), terminator: "")
        return page.resourceVersion
    }

    /// Prints one line per change of a kind after `revision`.
    private func follow<T: APIObject>(_ type: T.Type, from revision: String, cluster: LocalCluster) async throws {
        for try await event in try await cluster.watch(type, WatchOptions(resourceVersion: revision)) {
            let tree = try APICodec.tree(event.object)
            let phase = PrinterColumns.text(at: "status.phase", in: tree)
            print("\(T.resource.kubectlName)/\(event.object.metadata.name ?? "") \(event.type.rawValue.lowercased())\(phase.isEmpty ? "" : " (\(phase))")")
            fflush(nil)
        }
    }
}
