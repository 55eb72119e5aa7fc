import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage get KIND [NAME...]`: show objects as kubectl does; `-w` follows changes.
struct GetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show objects of a kind (pvc, pv, sc, pod, sts, ns, ev, ...), as a table, YAML, JSON or a JSONPath template.")

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

    @Option(name: [.customShort("o"), .customLong("output")], help: "table, wide, yaml, json, name, or jsonpath=TEMPLATE.")
    var output: String = "table"

    @Flag(name: [.customShort("w"), .customLong("watch")], help: "After listing, print each change as it happens (Ctrl-C to stop).")
    var watch = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let type = try CommandFailure.kind(named: kind)
        try await CommandErrors.reporting {
            let printer = try ObjectPrinter.parse(output: output, showNamespace: allNamespaces && type.resource.namespaced)
            try await connection.withCluster { cluster in
                try await show(type, cluster: cluster, printer: printer)
            }
        }
    }

    private func show<T: APIObject>(_ type: T.Type, cluster: any Cluster, printer: ObjectPrinter) async throws {
        let scope = T.resource.namespaced && !allNamespaces ? namespace : nil
        var objects: [T] = []
        var revision = ""
        if names.isEmpty {
            var options = ListOptions(namespace: scope, labelSelector: selector, fieldSelector: fieldSelector, limit: 500)
            repeat {
                let page = try await cluster.list(type, options)
                objects += page.items
                revision = page.resourceVersion
                options.continueToken = page.continueToken
            } while options.continueToken != nil
        } else {
            for name in names { objects.append(try await cluster.get(type, ObjectKey(namespace: scope ?? namespace, name: name))) }
            revision = objects.compactMap(\.metadata.resourceVersion).max { (Int64($0) ?? 0) < (Int64($1) ?? 0) } ?? ""
        }
        let isTable = printer.jsonPath == nil && (printer.format == .table || printer.format == .wide)
        if objects.isEmpty, isTable, !watch {
            FileHandle.standardError.write(Data((T.resource.namespaced && !allNamespaces ? "No resources found in \(namespace) namespace.\n" : "No resources found\n").utf8))
            return
        }
        if !objects.isEmpty || !isTable {
            print(try printer.render(objects, single: names.count == 1 && !watch), terminator: "")
        }
        guard watch else { return }
        fflush(nil)
        var rowPrinter = printer
        rowPrinter.includeHeader = objects.isEmpty
        let wanted = Set(names)
        let events = try await cluster.watch(type, WatchOptions(namespace: scope, labelSelector: selector, fieldSelector: fieldSelector, resourceVersion: revision))
        for try await event in events {
            if !wanted.isEmpty, !wanted.contains(event.object.metadata.name ?? "") { continue }
            print(try rowPrinter.render([event.object], single: true), terminator: "")
            fflush(nil)
            rowPrinter.includeHeader = false
        }
    }
}
