import Foundation
import StowageAPI
import StowageClient
import StowageStore
import Synchronization

/// Benchmarks of the API server through its HTTP API (`stowage bench api`): what a client sees, TLS and JSON
/// included.
public enum APIBenchmarks {
    public typealias LatencyFigures = StoreBenchmarks.LatencyFigures

    /// Creates/s of small claims from `clients` concurrent tasks sharing one keep-alive pool.
    public struct CreateFigures: Sendable, CustomStringConvertible {
        public var creates: Int
        public var clients: Int
        public var elapsed: Duration
        public var latency: LatencyFigures
        public var perSecond: Double {
            Double(creates) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        public var description: String {
            String(format: "PVC creates through the API: %d from %d clients in %.2f s = %.0f creates/s\n", creates, clients,
                   Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, perSecond) + "\(latency)"
        }
    }

    /// A claim with a name of its own, as small as a real one.
    public static func claim(_ name: String, namespace: String) -> PersistentVolumeClaim {
        PersistentVolumeClaim(name: name, namespace: namespace, request: Quantity(bytes: 1 << 30), storageClassName: "bench")
    }

    public static func createThroughput(_ cluster: any Cluster, creates: Int, clients: Int, prefix: String = "bench") async throws -> CreateFigures {
        let next = TicketCounter()
        let start = ContinuousClock.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var latencies: [Duration] = []
                    while true {
                        let index = next.take()
                        if index >= creates { return latencies }
                        let begin = ContinuousClock.now
                        _ = try await cluster.create(claim("\(prefix)-\(index)", namespace: "default"))
                        latencies.append(ContinuousClock.now - begin)
                    }
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = ContinuousClock.now - start
        return CreateFigures(creates: creates, clients: clients, elapsed: elapsed,
                             latency: LatencyFigures(label: "create latency under \(clients) clients", samples: samples))
    }

    /// Sequential gets of existing claims.
    public static func getLatency(_ cluster: any Cluster, names: [String], samples: Int) async throws -> LatencyFigures {
        var latencies: [Duration] = []
        for index in 0..<samples {
            let begin = ContinuousClock.now
            _ = try await cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: names[index % names.count]))
            latencies.append(ContinuousClock.now - begin)
        }
        return LatencyFigures(label: "get latency (one client)", samples: latencies)
    }

    /// `watchers` watches of claims over HTTP; `writers` tasks create `events` claims as fast as they can; every
    /// watcher must see every event. Latency is from each create's acknowledgement to each watcher's receipt.
    public static func watchFanout(_ cluster: HTTPCluster, watchers: Int, events: Int, writers: Int, prefix: String = "watch") async throws -> LatencyFigures {
        let base = ContinuousClock.now
        func nanos() -> Int64 {
            let elapsed = ContinuousClock.now - base
            return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        }
        let start = try await cluster.list(PersistentVolumeClaim.self, ListOptions(namespace: "default", limit: 1)).resourceVersion
        // Watchers read raw lines and pick out the name, so the figure is the server's delivery, not the cost of
        // decoding a million objects in this one client process.
        var streams: [AsyncThrowingStream<[UInt8], any Error>] = []
        for _ in 0..<watchers {
            streams.append(try await cluster.watchLines(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: start)))
        }
        let marker = Array("\"name\":\"\(prefix)-".utf8)
        let acknowledged = AcknowledgementTimes(count: events)
        let received = try await withThrowingTaskGroup(of: [Int64]?.self) { group -> [[Int64]] in
            for stream in streams {
                group.addTask {
                    var times = [Int64](repeating: -1, count: events)
                    var seen = 0
                    for try await line in stream {
                        guard let index = Self.index(after: marker, in: line), index < events, times[index] < 0 else { continue }
                        times[index] = nanos()
                        seen += 1
                        if seen == events { break }
                    }
                    return times
                }
            }
            let next = TicketCounter()
            for _ in 0..<writers {
                group.addTask {
                    while true {
                        let index = next.take()
                        if index >= events { return nil }
                        _ = try await cluster.create(claim("\(prefix)-\(index)", namespace: "default"))
                        let now = nanos()
                        acknowledged.record(index, now)
                    }
                }
            }
            var all: [[Int64]] = []
            for try await times in group { if let times { all.append(times) } }
            return all
        }
        let acks = acknowledged.snapshot()
        var latencies: [Duration] = []
        for times in received {
            for index in 0..<events {
                guard times[index] >= 0 else { throw BenchmarkError(message: "a watcher missed event \(index)") }
                latencies.append(.nanoseconds(Swift.max(0, times[index] - acks[index])))
            }
        }
        return LatencyFigures(label: "watch delivery to \(watchers) HTTP watchers of a \(events)-create burst (\(writers) writers), after acknowledgement",
                              samples: latencies)
    }

    /// The decimal number right after the first occurrence of `marker` in `line`.
    static func index(after marker: [UInt8], in line: [UInt8]) -> Int? {
        guard line.count > marker.count else { return nil }
        var position = 0
        while position + marker.count <= line.count {
            if line[position] == marker[0], line[position..<(position + marker.count)].elementsEqual(marker) {
                var value = 0, cursor = position + marker.count, digits = 0
                while cursor < line.count, line[cursor] >= 48, line[cursor] <= 57 {
                    value = value * 10 + Int(line[cursor] - 48)
                    cursor += 1
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            position += 1
        }
        return nil
    }

    /// Resident memory of a process, from `/proc/<pid>/status` (VmRSS), in kB.
    public static func residentKilobytes(pid: Int32) -> Int? {
        statusKilobytes(pid: pid)["VmRSS"]
    }

    /// Resident memory with its two parts, as a figure for the README: "50.0 MiB (anonymous 7.8 MiB; mapped
    /// from files 42.2 MiB: code and shared libraries)". Nil when the process is gone.
    public static func residentMemoryDescription(pid: Int32) -> String? {
        let fields = statusKilobytes(pid: pid)
        guard let total = fields["VmRSS"], let anonymous = fields["RssAnon"], let files = fields["RssFile"] else { return nil }
        func mebibytes(_ kilobytes: Int) -> String { String(format: "%.1f MiB", Double(kilobytes) / 1024) }
        return "\(mebibytes(total)) (anonymous \(mebibytes(anonymous)); mapped from files \(mebibytes(files)): code and shared libraries)"
    }

    /// The `kB` fields of `/proc/<pid>/status` by name (VmRSS, VmHWM, RssAnon, …; empty when the process is gone).
    public static func statusKilobytes(pid: Int32) -> [String: Int] {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return [:] }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") where line.hasSuffix(" kB") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 3, parts[0].hasSuffix(":"), let value = Int(parts[1]) else { continue }
            fields[String(parts[0].dropLast())] = value
        }
        return fields
    }
}

/// Hands out 0, 1, 2, … to concurrent tasks.
public final class TicketCounter: Sendable {
    private let counter = Atomic<Int>(0)
    public init() {}
    public func take() -> Int { counter.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// When each create was acknowledged, written by concurrent writers.
final class AcknowledgementTimes: Sendable {
    private let times: Mutex<[Int64]>
    init(count: Int) { times = Mutex([Int64](repeating: 0, count: count)) }
    func record(_ index: Int, _ nanos: Int64) { times.withLock { $0[index] = nanos } }
    func snapshot() -> [Int64] { times.withLock { $0 } }
}
