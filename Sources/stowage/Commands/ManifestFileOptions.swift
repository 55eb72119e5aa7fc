import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `-f FILE|DIR` (repeatable), shared by `apply` and `up`.
struct ManifestFileOptions: ParsableArguments {
    @Option(name: .customShort("f"), help: ArgumentHelp("A manifest file or directory (YAML or JSON, `-` for stdin); repeat for several.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one manifest with -f FILE") }
    }

    /// Reads and checks every file (nothing is written), printing a warning for each unmodeled field.
    func load() throws -> [ManifestObject] {
        let objects = try ManifestApplier.load(files)
        for item in objects {
            for warning in item.warnings { FileHandle.standardError.write(Data("Warning: \(warning)\n".utf8)) }
        }
        return objects
    }
}
