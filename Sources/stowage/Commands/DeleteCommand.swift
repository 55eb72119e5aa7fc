import ArgumentParser
import StowageAPI
import StowageClient

/// `stowage delete KIND NAME...`: delete objects (objects with finalizers wait for them).
struct DeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete objects by kind and name. Objects with finalizers are marked and removed once their finalizers are done.")

    @Argument(help: ArgumentHelp("The kind (pvc, pv, sc, ...).", valueName: "kind"))
    var kind: String

    @Argument(help: ArgumentHelp("Names to delete.", valueName: "name"))
    var names: [String]

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @OptionGroup var state: StateOptions

    func run() async throws {
        let type = try CommandFailure.kind(named: kind)
        try await CommandErrors.reporting {
            let cluster = try await state.openCluster()
            for name in names { print(try await delete(type, name, cluster: cluster)) }
            await cluster.store.close()
        }
    }

    private func delete<T: APIObject>(_ type: T.Type, _ name: String, cluster: LocalCluster) async throws -> String {
        let outcome = try await cluster.delete(type, ObjectKey(namespace: namespace, name: name))
        switch outcome {
        case .deleted: return "\(T.resource.singular) \"\(name)\" deleted"
        case .pending(let object):
            return "\(T.resource.singular) \"\(name)\" deleted (waiting for finalizers: \((object.metadata.finalizers ?? []).joined(separator: ", ")))"
        }
    }
}
