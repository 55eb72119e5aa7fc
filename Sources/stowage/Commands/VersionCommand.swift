import ArgumentParser
import Foundation
import StowageClient

/// `stowage version`: this client's version and, when one is reachable, the server's.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the client and server versions.")

    /// The version this build reports, in Kubernetes' `gitVersion` form.
    static let clientVersion = "v0.3.0"

    @Flag(help: "Print only the client version.")
    var client = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        print("Client Version: \(Self.clientVersion)")
        guard !client else { return }
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                let version = try await cluster.serverVersion()
                print("Server Version: \(version["gitVersion"]?.stringValue ?? "unknown")")
            }
        }
    }
}
