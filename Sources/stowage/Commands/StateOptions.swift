import ArgumentParser
import Foundation
import StowageClient
import StowageStore

/// `--state-dir`, shared by every command that opens the store.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: ArgumentHelp(
        "Where Stowage keeps its state (default: /var/lib/stowage as root, ./.stowage otherwise).",
        valueName: "dir"))
    var stateDirectory: String?

    /// The state directory in effect.
    var resolvedDirectory: String {
        if let stateDirectory { return stateDirectory }
        return geteuid() == 0 ? "/var/lib/stowage" : FileManager.default.currentDirectoryPath + "/.stowage"
    }

    /// Where drivers put their sockets for the controllers (and, later, the node agent) to find.
    var pluginsDirectory: String { resolvedDirectory + "/plugins" }

    /// Opens the store (creating the directory) and a bootstrapped in-process cluster over it.
    func openCluster() async throws -> LocalCluster {
        let directory = resolvedDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ValidationError("cannot create the state directory \(directory): \(error.localizedDescription)")
        }
        let store = try Store.open(directory: directory)
        let cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        return cluster
    }
}
