import ArgumentParser
import Foundation
import StowageAPI
import StowageDriverSanity

/// `stowage driver ...`: tools for people writing storage drivers.
struct DriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver",
        abstract: "Tools for storage driver authors.",
        subcommands: [DriverSanityCommand.self]
    )
}

/// `stowage driver sanity`: checks a running driver against every rule of the driver protocol.
struct DriverSanityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sanity",
        abstract: "Check a running driver against the Stowage driver protocol (like csi-sanity).",
        discussion: """
            Prints one line per check (PASS id, FAIL id: reason, SKIP id: reason) and ends with the line \
            'N passed, N failed, N skipped'. Exits non-zero when any check fails. Run as root: the node checks \
            look at the mounts the driver makes.

            --parameters FILE is either a JSON object of strings ({"type": "fast"}) or key=value lines \
            ('#' starts a comment); the map is passed to every CreateVolume as StorageClass parameters.
            """
    )

    @Option(help: "The driver's socket, unix:///absolute/path.sock.")
    var endpoint: String

    @Option(name: .customLong("staging-dir"), help: "Parent directory for staging paths (default: a fresh directory under /tmp, removed at the end).")
    var stagingDir: String?

    @Option(name: .customLong("target-dir"), help: "Parent directory for target paths (default: a fresh directory under /tmp, removed at the end).")
    var targetDir: String?

    @Option(name: .customLong("volume-size"), help: "Size of the volumes the checks create, as a quantity (1Mi, 1Gi).")
    var volumeSize: String = "1Mi"

    @Option(name: .customLong("access-type"), help: "How the node checks access volumes: mount or block.")
    var accessType: SanityConfiguration.AccessType = .mount

    @Option(help: "A file of StorageClass parameters: a JSON object or key=value lines.")
    var parameters: String?

    @Option(name: .customLong("restart-command"), help: "A shell command that restarts the driver; enables the restart checks.")
    var restartCommand: String?

    @Option(help: "Also write the results as JUnit XML to this file.")
    var junit: String?

    @Flag(name: .shortAndLong, help: "Print each check's description as it runs.")
    var verbose = false

    func run() async throws {
        var configuration = SanityConfiguration(endpoint: endpoint)
        configuration.stagingDir = stagingDir
        configuration.targetDir = targetDir
        configuration.volumeSize = try parseSize(volumeSize)
        configuration.accessType = accessType
        configuration.restartCommand = restartCommand
        configuration.verbose = verbose
        if let parameters {
            configuration.parameters = try DriverParametersFile.read(parameters)
        }
        let report = await SanitySuite.run(configuration) { result in
            print(result.line)
        }
        print(report.summaryLine)
        if let junit {
            do {
                try report.junitXML().write(toFile: junit, atomically: true, encoding: .utf8)
            } catch {
                throw ValidationError("cannot write the JUnit report to \(junit): \(error.localizedDescription)")
            }
        }
        if !report.succeeded { throw ExitCode(1) }
    }

    private func parseSize(_ text: String) throws -> Int64 {
        guard let quantity = try? Quantity(parsing: text), quantity.value > 0 else {
            throw ValidationError("--volume-size \"\(text)\" is not a positive quantity such as 1Mi or 1Gi")
        }
        return quantity.value
    }
}

extension SanityConfiguration.AccessType: ExpressibleByArgument {}
