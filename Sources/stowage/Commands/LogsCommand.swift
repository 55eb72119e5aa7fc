import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage logs POD [-c NAME] [-f]`: a container's output, as `kubectl logs` prints it.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the output of a container in a pod (-f to follow it).")

    @Argument(help: ArgumentHelp("The pod (NAME or pod/NAME).", valueName: "pod"))
    var pod: String

    @Option(name: [.customShort("c"), .customLong("container")], help: "The container (needed when the pod has more than one).")
    var container: String?

    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing what the container writes until it exits.")
    var follow = false

    @Flag(name: [.customShort("p"), .customLong("previous")], help: "The previous run of the container (after a restart).")
    var previous = false

    @Option(help: ArgumentHelp("Only the last N lines.", valueName: "N"))
    var tail: Int?

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let tail, tail < 0 { throw ValidationError("--tail must be 0 or more (got \(tail))") }
    }

    func run() async throws {
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod.hasPrefix("pods/") ? String(pod.dropFirst(5)) : pod
        guard !name.isEmpty, !name.contains("/") else { throw ValidationError("\"\(pod)\" is not a pod name (NAME or pod/NAME)") }
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                try await cluster.podLog(ObjectKey(namespace: namespace, name: name), container: container, follow: follow,
                                         previous: previous, tailLines: tail) { chunk in
                    FileHandle.standardOutput.write(Data(chunk))
                }
            }
        }
    }
}
