import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageStore

/// `stowage apply -f FILE`: create or update the objects of manifest files.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update objects from manifest files (YAML or JSON, multi-document, `-` for stdin).",
        discussion: "Every file is read, defaulted and validated before anything is written: an error anywhere leaves the store untouched.")

    @OptionGroup var manifests: ManifestFileOptions

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandErrors.reporting {
            let objects = try manifests.load()
            try await connection.withCluster { cluster in
                for outcome in try await ManifestApplier(cluster: cluster).apply(objects) { print(outcome.line) }
            }
        }
    }
}

/// Turns API, store and manifest errors into one clear line on stderr (`Error: ...`) and exit status 1.
enum CommandErrors {
    static func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ManifestError {
            throw CommandFailure("\(error)")
        } catch let error as APIError {
            throw CommandFailure("\(error.message) (\(error.reason.rawValue))")
        } catch let error as StoreError {
            throw CommandFailure("\(error)")
        } catch let error as ClusterConnectionError {
            throw CommandFailure("\(error)")
        } catch let error as JSONPathTemplate.ParseError {
            throw CommandFailure("error parsing jsonpath: \(error)")
        }
    }
}

/// A failed command; ArgumentParser prints it as `Error: <message>` and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { self.description = message }

    /// The kind a command-line argument names (`pvc`, `persistentvolumeclaims`), or kubectl's error for an unknown one.
    static func kind(named name: String) throws -> any APIObject.Type {
        guard let type = APIKinds.type(named: name) else {
            throw CommandFailure("the server doesn't have a resource type \"\(name)\"")
        }
        return type
    }
}
