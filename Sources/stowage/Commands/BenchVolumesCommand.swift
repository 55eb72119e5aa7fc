import ArgumentParser
import Foundation
import StowageBench

/// `stowage bench volumes`: create + stage + publish through a running driver (see `VolumeBenchmarks`).
struct BenchVolumesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volumes",
        abstract: "Measure create+stage+publish latency and concurrent provisioning through a running driver."
    )

    @Option(help: "The driver's socket (unix:///path).") var endpoint: String
    @Option(help: "Volumes made one at a time for p50/p99.") var sequential = 200
    @Option(help: "Volumes provisioned at once for volumes/s.") var concurrent = 100
    @Option(help: "Size of each volume in MiB.") var sizeMib: Int64 = 16
    @Flag(help: "Block access instead of mount.") var block = false
    @Option(help: "A StorageClass parameter key=value for CreateVolume (repeatable).") var parameter: [String] = []
    @Option(name: .customLong("work-dir"), help: ArgumentHelp(
        "Where the pods' directories (the targets' parents) go: a directory made in it for the run, removed after (default: /tmp).",
        valueName: "dir"))
    var workDir = "/tmp"

    func validate() throws {
        try BenchCounts.require("sequential", sequential, atLeast: 1)
        try BenchCounts.require("concurrent", concurrent, atLeast: 1)
        try BenchCounts.require("size-mib", sizeMib, atLeast: 1)
    }

    func run() async throws {
        var parameters: [String: String] = [:]
        for item in parameter {
            guard let equals = item.firstIndex(of: "=") else { throw ValidationError("--parameter \(item) is not key=value") }
            parameters[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        let options = VolumeBenchmarks.Options(endpoint: endpoint, sequential: sequential, concurrent: concurrent,
                                               sizeBytes: sizeMib << 20, block: block, parameters: parameters,
                                               workDirectory: "\(workDir)/stowage-bench-volumes-\(getpid())")
        for line in try await VolumeBenchmarks.run(options) { print(line) }
    }
}
