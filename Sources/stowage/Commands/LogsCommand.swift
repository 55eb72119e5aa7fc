import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage logs POD [-c NAME] [-f]`: a container's output, as `kubectl logs` prints it.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the output of a container in a pod (-f to follow it).")

    @OptionGroup var target: PodTargetOptions

    @Flag(name: [.customShort("f"), .customLong("follow")], help: "Keep printing what the container writes until it exits.")
    var follow = false

    @Flag(name: [.customShort("p"), .customLong("previous")], help: "The previous run of the container (after a restart).")
    var previous = false

    @Option(help: ArgumentHelp("Only the last N lines.", valueName: "N"))
    var tail: Int?

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let tail, tail < 0 { throw ValidationError("--tail must be 0 or more (got \(tail))") }
    }

    func run() async throws {
        let name = try target.podName()
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                try await cluster.podLog(ObjectKey(namespace: target.namespace, name: name), container: target.container, follow: follow,
                                         previous: previous, tailLines: tail) { chunk in
                    FileHandle.standardOutput.write(Data(chunk))
                }
            }
        }
    }
}
