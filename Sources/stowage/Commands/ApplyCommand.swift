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

    @Option(name: .customShort("f"), help: ArgumentHelp("A manifest file; repeat for several.", valueName: "file"))
    var files: [String] = []

    @OptionGroup var state: StateOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one manifest with -f FILE") }
    }

    func run() async throws {
        try await CommandErrors.reporting {
            let objects = try ManifestApplier.load(files)
            for item in objects { for warning in item.warnings { FileHandle.standardError.write(Data("Warning: \(warning)\n".utf8)) } }
            let cluster = try await state.openCluster()
            for outcome in try await ManifestApplier(cluster: cluster).apply(objects) { print(outcome.line) }
            await cluster.store.close()
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
        }
    }
}

/// A failed command; ArgumentParser prints it as `Error: <message>` and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { self.description = message }
}
