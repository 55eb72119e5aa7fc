import ArgumentParser
import Foundation
import StowageBench
import StowageCSI

/// `stowage bench driver`: driver-protocol latency and throughput (see `DriverBenchmarks`).
struct BenchDriverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver",
        abstract: "Measure driver-protocol round trips and pipelined throughput over a Unix socket."
    )

    @Option(help: "Calls per measurement.") var calls = 20_000
    @Option(help: "Calls kept in flight for the throughput figures.") var inFlight = 16
    @Option(help: "Where client and server run: none (in process), same or different cores (server in a child process), or all.")
    var pin = "all"
    @Option(help: "Where the server runs driver methods: connection-thread or concurrent.") var execution = "connection-thread"
    @Option(help: "Microseconds I/O threads poll before sleeping (0: never spin; library default 50).") var busyPoll = 50

    func validate() throws {
        try BenchCounts.require("calls", calls, atLeast: 1)
        try BenchCounts.require("in-flight", inFlight, atLeast: 1)
        try BenchCounts.require("busy-poll", busyPoll, atLeast: 0)
    }

    func run() async throws {
        let pinnings: [DriverBenchmarks.Pinning]
        if pin == "all" { pinnings = DriverBenchmarks.Pinning.allCases }
        else if let one = DriverBenchmarks.Pinning(rawValue: pin) { pinnings = [one] }
        else { throw ValidationError("--pin must be same, different, none or all") }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let options = DriverBenchmarks.Options(busyPollMicroseconds: busyPoll, calls: calls, inFlight: inFlight, pinnings: pinnings,
                                               execution: try BenchDriverServerCommand.parseExecution(execution),
                                               serverCommand: [executable, "bench", "driver-server"])
        for line in try await DriverBenchmarks.run(options) { print(line) }
    }
}

/// `stowage bench driver-server`: the server half of `stowage bench driver`, started as a pinned child process.
struct BenchDriverServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driver-server",
        abstract: "Serve the benchmark driver until killed (used by `stowage bench driver`).",
        shouldDisplay: false
    )

    @Option(help: "Socket to listen on (unix:///path or a path).") var endpoint: String
    @Option(help: "Pin the server to this CPU.") var cpu: Int?
    @Option(help: "connection-thread or concurrent.") var execution = "connection-thread"
    @Option(help: "Microseconds I/O threads poll before sleeping.") var busyPoll = 50

    func validate() throws {
        try BenchCounts.require("busy-poll", busyPoll, atLeast: 0)
        if let cpu { try BenchCounts.require("cpu", cpu, atLeast: 0) }
    }

    func run() async throws {
        try await DriverBenchmarks.serve(endpoint: endpoint, cpu: cpu, execution: try Self.parseExecution(execution),
                                         busyPollMicroseconds: busyPoll)
    }

    static func parseExecution(_ text: String) throws -> DriverServer.Execution {
        switch text {
        case "connection-thread": return .connectionThread
        case "concurrent": return .concurrent
        default: throw ValidationError("--execution must be connection-thread or concurrent")
        }
    }
}
