import ArgumentParser
import Foundation
import StowageBench

/// `stowage bench provision`: create + stage + publish latency and concurrent provisioning rate against a
/// running driver (see `ProvisionBenchmark`).
struct BenchProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Measure CreateVolume + NodeStageVolume + NodePublishVolume on a running driver (run as root)."
    )

    @Option(help: "The driver's socket, unix:///absolute/path.sock.") var endpoint: String
    @Option(name: .customLong("access-type"), help: "mount or block.") var accessType = "mount"
    @Option(name: .customLong("fs-type"), help: "fsType for mount access (default: the driver's).") var fsType = ""
    @Option(help: "Volume size in MiB.") var sizeMib: Int64 = 1024
    @Option(help: "Volumes provisioned one at a time (latency).") var sequential = 50
    @Option(help: "Volumes provisioned at once (throughput; 0 skips).") var concurrent = 100
    @Option(name: .customLong("work-dir"), help: "Parent of staging and target paths (default: a fresh directory under /tmp).")
    var workDir: String?

    func validate() throws {
        try BenchCounts.require("size-mib", sizeMib, atLeast: 1)
        try BenchCounts.require("sequential", sequential, atLeast: 1)
        try BenchCounts.require("concurrent", concurrent, atLeast: 0)
    }

    func run() async throws {
        guard accessType == "mount" || accessType == "block" else { throw ValidationError("--access-type must be mount or block") }
        let work = workDir ?? "/tmp/stowage-bench-provision-\(UUID().uuidString.prefix(8))"
        let options = ProvisionBenchmark.Options(endpoint: endpoint, block: accessType == "block", fsType: fsType,
                                                 bytes: sizeMib << 20, sequential: sequential, concurrent: concurrent,
                                                 workDirectory: work)
        for line in try await ProvisionBenchmark.run(options) { print(line) }
    }
}
