import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage delete KIND NAME... | -f FILE`: delete objects; `--wait` waits until they are gone.
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete objects by kind and name, or those of manifest files. Objects with finalizers are marked and removed once their finalizers are done.")

    @Argument(help: ArgumentHelp("The kind (pvc, pv, sc, ...) followed by names; omit with -f.", valueName: "kind name"))
    var arguments: [String] = []

    @Option(name: .customShort("f"), help: ArgumentHelp("Delete the objects a manifest file names; repeatable.", valueName: "file"))
    var files: [String] = []

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @Flag(help: "Wait until each object is gone (its finalizers done).")
    var wait = false

    @Option(help: ArgumentHelp("With --wait, how long to wait (e.g. 30s, 2m).", valueName: "duration"))
    var timeout: String = "60s"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if files.isEmpty, arguments.count < 2 { throw ValidationError("give a kind and at least one name, or -f FILE") }
        if !files.isEmpty, !arguments.isEmpty { throw ValidationError("give either KIND NAME... or -f FILE, not both") }
    }

    func run() async throws {
        let limit = try WaitCommand.duration(timeout)
        try await CommandErrors.reporting {
            var targets: [(any APIObject.Type, ObjectKey)] = []
            if files.isEmpty {
                let type = try CommandFailure.kind(named: arguments[0])
                for name in arguments.dropFirst() { targets.append((type, ObjectKey(namespace: type.resource.namespaced ? namespace : nil, name: name))) }
            } else {
                for item in try ManifestApplier.load(files) {
                    let object = item.object
                    let kind = type(of: object)
                    targets.append((kind, ObjectKey(namespace: kind.resource.namespaced ? (object.metadata.namespace ?? namespace) : nil,
                                                    name: object.metadata.name ?? "")))
                }
            }
            try await connection.withCluster { cluster in
                for (type, key) in targets {
                    print(try await delete(type, key, cluster: cluster, limit: limit))
                    fflush(nil)
                }
            }
        }
    }

    private func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, cluster: any Cluster, limit: Duration) async throws -> String {
        let outcome = try await cluster.delete(type, key, options: DeleteOptions(propagationPolicy: "Background"))
        let line = "\(T.resource.kubectlName) \"\(key.name)\" deleted"
        guard case .pending(let object) = outcome else { return line }
        if wait {
            try await WaitCommand.untilGone(type, key, uid: object.metadata.uid, cluster: cluster, limit: limit)
            return line
        }
        return line + " (waiting for finalizers: \((object.metadata.finalizers ?? []).joined(separator: ", ")))"
    }
}
