#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI

/// `stowage bench driver`: latency and throughput of the driver protocol (JSON-RPC over a Unix socket).
///
/// Measures, over one connection: `Probe` round trips one at a time (p50, p99), pipelined `Probe` throughput
/// with N calls in flight, and the same two for `NodeGetVolumeStats`-sized answers. The server runs in process
/// (`pin: .none`) or as a child process pinned to the client's core (`.same`) or to another core (`.different`).
public enum DriverBenchmarks {
    /// Where the client and the server run.
    public enum Pinning: String, Sendable, CaseIterable {
        /// Server in process, threads placed by the kernel.
        case none
        /// Server in a child process; client and server pinned to the same core.
        case same
        /// Server in a child process; client and server pinned to different cores.
        case different
    }

    /// Benchmark settings.
    public struct Options: Sendable {
        public var calls: Int
        public var inFlight: Int
        public var pinnings: [Pinning]
        public var execution: DriverServer.Execution
        /// The command that starts a server child process; the benchmark appends `--endpoint PATH --cpu N`.
        public var serverCommand: [String]
        /// `DriverIOTuning.busyPollMicroseconds` for client and server (library default 50; 0: I/O threads sleep at once).
        public var busyPollMicroseconds: Int
        public init(busyPollMicroseconds: Int = 50, calls: Int = 20_000, inFlight: Int = 16, pinnings: [Pinning] = Pinning.allCases,
                    execution: DriverServer.Execution = .connectionThread, serverCommand: [String] = []) {
            self.calls = calls
            self.inFlight = inFlight
            self.pinnings = pinnings
            self.execution = execution
            self.serverCommand = serverCommand
            self.busyPollMicroseconds = busyPollMicroseconds
        }
    }

    /// The driver measured: answers `Probe` and a realistic `NodeGetVolumeStats`.
    public struct BenchDriver: Driver {
        public init() {}
        public func probe(_ request: ProbeRequest) async throws -> ProbeResponse { ProbeResponse(ready: true) }
        public func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
            NodeGetVolumeStatsResponse(usage: [
                VolumeUsage(available: 7_516_192_768, total: 10_737_418_240, used: 3_221_225_472, unit: .bytes),
                VolumeUsage(available: 654_321, total: 655_360, used: 1_039, unit: .inodes),
            ], volumeCondition: VolumeCondition(abnormal: false, message: "volume is healthy"))
        }
    }

    static let statsRequest = NodeGetVolumeStatsRequest(volumeId: "pvc-0b7a3c1e-5d2f-4c8e-9a61-2f4b8d9e1c30",
        volumePath: "/var/lib/stowage/pods/3f1c/volumes/hostpath.stowage.dev/pvc-0b7a3c1e/mount")

    /// Runs every configured measurement and returns the report, one line per figure.
    public static func run(_ options: Options) async throws -> [String] {
        DriverIOTuning.busyPollMicroseconds = options.busyPollMicroseconds
        var report = ["machine: \(ProcessInfo.processInfo.activeProcessorCount) cpus, \(cpuModel())",
                      "calls: \(options.calls) per measurement, in flight: \(options.inFlight), server execution: \(options.execution), busy poll: \(options.busyPollMicroseconds) µs"]
        let statsResponse = try await BenchDriver().nodeGetVolumeStats(statsRequest)
        for (name, cost) in [("Probe", try CodecCost.measure(ProbeRequest(), response: ProbeResponse(ready: true))),
                             ("NodeGetVolumeStats", try CodecCost.measure(statsRequest, response: statsResponse))] {
            report.append("codec only, \(name): request encode \(fmt(cost.requestEncode)) µs, decode \(fmt(cost.requestDecode)) µs; "
                + "response encode \(fmt(cost.responseEncode)) µs, decode \(fmt(cost.responseDecode)) µs")
        }
        for pinning in options.pinnings {
            let dir = NSTemporaryDirectory() + "stowage-bench-\(getpid())-\(pinning.rawValue)"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = dir + "/driver.sock"
            var server: DriverServer?
            var child: Process?
            switch pinning {
            case .none:
                let s = try DriverServer(driver: BenchDriver(), endpoint: path, configuration: .init(execution: options.execution))
                try s.start()
                server = s
            case .same, .different:
                guard !options.serverCommand.isEmpty else { throw CSIError(.failedPrecondition, "no server command to start a pinned server") }
                try pinProcess(toCPU: 0)
                let cpu = pinning == .same ? 0 : 1
                let process = Process()
                process.executableURL = URL(fileURLWithPath: options.serverCommand[0])
                process.arguments = Array(options.serverCommand.dropFirst()) + ["--endpoint", path, "--cpu", String(cpu),
                    "--execution", options.execution == .concurrent ? "concurrent" : "connection-thread",
                    "--busy-poll", String(options.busyPollMicroseconds)]
                try process.run()
                child = process
                try await waitForSocket(path)
            }
            defer {
                child?.terminate()
                child?.waitUntilExit()
            }
            let label = pinning == .none ? "in-process server, unpinned" : "child server, pinned \(pinning.rawValue) core\(pinning == .same ? "" : "s")"
            report += try await measure(path: path, options: options, label: label)
            if let server { await server.shutdown() }
            if pinning != .none { try? unpinProcess() }
        }
        return report
    }

    /// Serves `BenchDriver` at `endpoint` until the process is killed (`stowage bench driver-server`).
    public static func serve(endpoint: String, cpu: Int?, execution: DriverServer.Execution, busyPollMicroseconds: Int = 0) async throws {
        if let cpu { try pinProcess(toCPU: cpu) }
        DriverIOTuning.busyPollMicroseconds = busyPollMicroseconds
        let server = try DriverServer(driver: BenchDriver(), endpoint: endpoint, configuration: .init(execution: execution))
        try await server.run()
    }

    private static func measure(path: String, options: Options, label: String) async throws -> [String] {
        let client = try DriverClient(endpoint: path, configuration: .init(timeout: .seconds(30)))
        defer { client.close() }
        var lines: [String] = []
        for _ in 0..<2000 { _ = try await client.probe() }
        lines += try await measureCalls(client: client, options: options, label: label + ", caller on global executor")
        lines += try await client.onConnectionThread {
            try await measureCalls(client: client, options: options, label: label + ", caller on client I/O thread")
        }
        return lines
    }

    private static func measureCalls(client: DriverClient, options: Options, label: String) async throws -> [String] {
        var lines: [String] = []
        let probe = try await latencies(options.calls) { _ = try await client.probe() }
        lines.append("\(label): Probe round trip p50 \(fmt(probe.p50)) µs, p99 \(fmt(probe.p99)) µs, mean \(fmt(probe.mean)) µs")
        let probeRate = try await throughput(options.calls, inFlight: options.inFlight) { _ = try await client.probe() }
        lines.append("\(label): Probe pipelined \(Int(probeRate)) calls/s with \(options.inFlight) in flight")
        let stats = try await latencies(options.calls) { _ = try await client.nodeGetVolumeStats(statsRequest) }
        lines.append("\(label): NodeGetVolumeStats round trip p50 \(fmt(stats.p50)) µs, p99 \(fmt(stats.p99)) µs")
        let statsRate = try await throughput(options.calls, inFlight: options.inFlight) { _ = try await client.nodeGetVolumeStats(statsRequest) }
        lines.append("\(label): NodeGetVolumeStats pipelined \(Int(statsRate)) calls/s with \(options.inFlight) in flight")
        return lines
    }

    private static func latencies(_ count: Int, _ body: () async throws -> Void) async throws -> (p50: Double, p99: Double, mean: Double) {
        var samples: [Double] = []
        samples.reserveCapacity(count)
        let clock = ContinuousClock()
        for _ in 0..<count {
            let start = clock.now
            try await body()
            samples.append(micros(clock.now - start))
        }
        samples.sort()
        return (samples[samples.count / 2], samples[min(samples.count - 1, samples.count * 99 / 100)],
                samples.reduce(0, +) / Double(samples.count))
    }

    private static func throughput(_ count: Int, inFlight: Int, _ body: @escaping @Sendable () async throws -> Void) async throws -> Double {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<inFlight {
                let share = count / inFlight + (worker < count % inFlight ? 1 : 0)
                group.addTask { for _ in 0..<share { try await body() } }
            }
            try await group.waitForAll()
        }
        return Double(count) / (micros(ContinuousClock.now - start) / 1e6)
    }

    private static func micros(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12
    }
    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func waitForSocket(_ path: String) async throws {
        let end = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < end {
            if let fd = try? UnixSocket.connect(path: path) { close(fd); return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw CSIError(.unavailable, "the benchmark server did not start listening on \(path)")
    }

    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown CPU"
    }
}
