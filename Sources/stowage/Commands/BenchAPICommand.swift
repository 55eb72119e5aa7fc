import ArgumentParser
import Foundation
import StowageAPI
import StowageBench
import StowageClient
import StowageControllers
import Synchronization

/// `stowage bench api`: a real `stowage serve` (a child process on a temporary state directory, HTTPS on a free
/// port) measured from the client side: create throughput, get latency, watch fan-out, resident memory.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Create throughput, get latency and watch fan-out through HTTPS, and the server's resident memory.")

    @Option(help: "Claims to create for the throughput figure.") var creates = 10_000
    @Option(help: "Concurrent keep-alive clients.") var clients = 32
    @Option(help: "Watchers for the fan-out figure.") var watchers = 100
    @Option(help: "Creates in the watched burst.") var events = 10_000
    @Option(help: "Objects of each kind (PVC and PV) for the loaded-memory figure, taken on a fresh server (0: skip it).") var loaded = 10_000
    @Flag(help: "Run the server with every controller left out, measuring the API server alone (by default each claim created also gets the binder's ProvisioningFailed event, a second write: the benchmark's class does not exist).")
    var apiOnly = false
    @Option(name: .customLong("controllers"), help: "The server's --controllers list instead (e.g. 'binder' or '*,-binder'), to see what each controller costs.")
    var controllerList: String?

    func validate() throws {
        try BenchCounts.require("creates", creates, atLeast: 1)
        try BenchCounts.require("clients", clients, atLeast: 1)
        try BenchCounts.require("watchers", watchers, atLeast: 1)
        try BenchCounts.require("events", events, atLeast: 1)
        try BenchCounts.require("loaded", loaded, atLeast: 0)
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stowage-bench-api-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        if apiOnly, controllerList != nil { throw ValidationError("give --api-only or --controllers, not both") }
        let controllers = controllerList ?? (apiOnly ? ControllerSelection.known.map { "-" + $0 }.joined(separator: ",") : "*")
        try await withServer(directory: directory + "/throughput", controllers: controllers) { server, cluster in
            if let idle = APIBenchmarks.residentMemoryDescription(pid: server.process.processIdentifier) {
                print("idle server resident memory: \(idle)")
            }
            print(try await APIBenchmarks.createThroughput(cluster, creates: creates, clients: clients))
            print(try await APIBenchmarks.getLatency(cluster, names: (0..<min(creates, 1000)).map { "bench-\($0)" }, samples: 2_000))
            print(try await APIBenchmarks.watchFanout(cluster, watchers: watchers, events: events, writers: clients))
        }
        guard loaded > 0 else { return }
        // The memory figure on a server of its own, holding exactly `loaded` claims and `loaded` volumes (the
        // volumes fit the claims, so with the controllers running they end up bound in pairs).
        try await withServer(directory: directory + "/loaded", controllers: controllers) { server, cluster in
            try await fill(cluster, claims: loaded, volumes: loaded)
            let pid = server.process.processIdentifier
            if let rss = APIBenchmarks.residentKilobytes(pid: pid) {
                print(String(format: "server resident memory with %d PVCs and %d PVs: %.1f MiB right after loading", loaded, loaded, Double(rss) / 1024))
            }
            // At rest: after the heap trim the server runs every 30 s (it returns what the burst freed).
            try await Task.sleep(for: .seconds(32))
            if let rss = APIBenchmarks.residentKilobytes(pid: pid) {
                print(String(format: "server resident memory with %d PVCs and %d PVs: %.1f MiB at rest (after the server's periodic heap trim)", loaded, loaded, Double(rss) / 1024))
            }
        }
    }

    /// Runs `body` against a fresh `stowage serve` on `directory`, shutting both down afterwards.
    private func withServer(directory: String, controllers: String,
                            _ body: (BenchServer, HTTPCluster) async throws -> Void) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = try BenchServer(stateDirectory: directory, controllers: controllers)
        defer { server.stop() }
        print("server: pid \(server.process.processIdentifier), https://127.0.0.1:\(server.port), --controllers=\(controllers)")
        let cluster = try HTTPCluster(endpoint: Kubeconfig.endpoint(path: directory + "/kubeconfig"),
                                      maximumConnections: max(clients, watchers) + 8)
        do {
            try await body(server, cluster)
        } catch {
            try? await cluster.shutdown()
            throw error
        }
        try await cluster.shutdown()
    }

    /// Creates `claims` PVCs, then `volumes` PVs that fit them, from `clients` concurrent clients.
    private func fill(_ cluster: HTTPCluster, claims: Int, volumes: Int) async throws {
        let next = TicketCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while true {
                        let index = next.take()
                        if index >= claims + volumes { return }
                        if index < claims {
                            _ = try await cluster.create(APIBenchmarks.claim("loaded-\(index)", namespace: "default"))
                        } else {
                            _ = try await cluster.create(BenchVolumes.volume("bench-pv-\(index - claims)"))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

/// Small PVs for benchmarks.
enum BenchVolumes {
    static func volume(_ name: String) -> PersistentVolume {
        PersistentVolume(name: name, capacity: Quantity(bytes: 1 << 30), storageClassName: "bench",
                         hostPath: HostPathVolumeSource(path: "/tmp/\(name)"))
    }
}

/// A `stowage serve` child process for benchmarks.
final class BenchServer {
    let process = Process()
    let port: Int

    init(stateDirectory: String, controllers: String = "*") throws {
        port = try FreePort.find()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        process.arguments = ["serve", "--state-dir", stateDirectory, "--listen-address", "127.0.0.1:\(port)", "--controllers=\(controllers)"]
        // The server's messages go to a file in its state directory, so a server that fails to start is explained.
        let logPath = stateDirectory + "/serve.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log ?? FileHandle.nullDevice
        try process.run()
        try? log?.close()  // the child has its own copy
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: stateDirectory + "/kubeconfig") || !FreePort.accepts(port) {
            guard process.isRunning else {
                let lastLines = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").suffix(3)
                throw BenchmarkError(message: "stowage serve exited with status \(process.terminationStatus): " + lastLines.joined(separator: " / "))
            }
            guard Date() < deadline else { stop(); throw BenchmarkError(message: "stowage serve did not become ready in 60 s") }
            usleep(50_000)
        }
    }

    /// SIGTERM, then up to 30 s for a graceful exit; a server still running after that is killed and reported
    /// (it used to hang here, spinning in `waitUntilExit`, when watches kept it from shutting down).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        FileHandle.standardError.write(Data("stowage bench: the server did not exit within 30 s of SIGTERM; killed it\n".utf8))
        process.waitUntilExit()
    }
}

/// Finding and probing TCP ports on 127.0.0.1.
enum FreePort {
    static func find() throws -> Int {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchmarkError(message: "cannot find a free TCP port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
