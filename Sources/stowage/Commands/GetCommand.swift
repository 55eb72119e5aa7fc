import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage get KIND [NAME...]`: show objects as kubectl does.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show objects of a kind (pvc, pv, sc, pod, sts, ns, ev, ...), as a table, YAML or JSON.")

    @Argument(help: ArgumentHelp("The kind: a plural, singular or short name (pvc, persistentvolumeclaims).", valueName: "kind"))
    var kind: String

    @Argument(help: ArgumentHelp("Names to show; all when omitted.", valueName: "name"))
    var names: [String] = []

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Objects of every namespace.")
    var allNamespaces = false

    @Option(name: [.customShort("l"), .customLong("selector")], help: "A label selector, e.g. app=web,tier!=db.")
    var selector: String?

    @Option(name: .customLong("field-selector"), help: "A field selector, e.g. status.phase=Bound.")
    var fieldSelector: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: "table, wide, yaml, json or name.")
    var output: String = "table"

    @OptionGroup var state: StateOptions

    func run() async throws {
        let type = try CommandFailure.kind(named: kind)
        guard let format = OutputFormat(rawValue: output) else {
            throw CommandFailure("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ","))")
        }
        try await CommandErrors.reporting {
            let cluster = try await state.openCluster()
            let text = try await render(type, cluster: cluster, format: format)
            await cluster.store.close()
            print(text, terminator: "")
        }
    }

    private func render<T: APIObject>(_ type: T.Type, cluster: LocalCluster, format: OutputFormat) async throws -> String {
        let scope = T.resource.namespaced && !allNamespaces ? namespace : nil
        var objects: [T]
        if names.isEmpty {
            objects = try await cluster.listAll(type, namespace: scope, labelSelector: selector, fieldSelector: fieldSelector)
        } else {
            objects = []
            for name in names { objects.append(try await cluster.get(type, ObjectKey(namespace: scope ?? namespace, name: name))) }
        }
        if objects.isEmpty, format == .table || format == .wide {
            return T.resource.namespaced && !allNamespaces ? "No resources found in \(namespace) namespace.\n" : "No resources found\n"
        }
        return try ObjectPrinter(format: format, showNamespace: allNamespaces && T.resource.namespaced).render(objects)
    }
}
