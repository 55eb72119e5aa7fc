import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage describe KIND NAME...`: an object's important fields and its events.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show an object's details and the events recorded about it, as kubectl describe does.")

    @Argument(help: ArgumentHelp("The kind (pvc, pv, sc, pod, sts, ...).", valueName: "kind"))
    var kind: String

    @Argument(help: ArgumentHelp("Names to describe.", valueName: "name"))
    var names: [String]

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let type = try CommandFailure.kind(named: kind)
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                var sections: [String] = []
                for name in names { sections.append(try await describe(type, name, cluster: cluster)) }
                print(sections.joined(separator: "\n\n"), terminator: "")
            }
        }
    }

    private func describe<T: APIObject>(_ type: T.Type, _ name: String, cluster: any Cluster) async throws -> String {
        let key = ObjectKey(namespace: T.resource.namespaced ? namespace : nil, name: name)
        let object = try await cluster.get(type, key)
        // Events about cluster-scoped objects live in the default namespace, as in Kubernetes.
        var selector = "involvedObject.name=\(name),involvedObject.kind=\(T.resource.kind)"
        if let uid = object.metadata.uid { selector += ",involvedObject.uid=\(uid)" }
        let events = try await cluster.listAll(Event.self, namespace: T.resource.namespaced ? namespace : nil, fieldSelector: selector)
        return try Describer().describe(object, events: events)
    }
}
