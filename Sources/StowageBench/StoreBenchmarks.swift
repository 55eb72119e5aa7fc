import Foundation
import StowageAPI
import StowageStore
import Synchronization

/// Benchmarks of ``Store``: group-commit throughput, single-writer latency, watch fan-out, list and memory.
/// Each function opens its own store in the directory it is given (created when missing; callers pass a fresh
/// one) and returns its figures; `description` prints them the way the README reports them.
public enum StoreBenchmarks {
    /// Figures of ``createThroughput(directory:objects:writers:)``.
    public struct CreateFigures: Sendable, CustomStringConvertible {
        public var objects: Int
        public var writers: Int
        public var seconds: Double
        /// Transactions (fsyncs) the creates took, and the largest.
        public var batches: Int
        public var largestBatch: Int
        public var perSecond: Double { Double(objects) / seconds }
        public var description: String {
            String(format: "creates: %d objects from %d concurrent writers in %.2f s = %.0f creates/s (synchronous=FULL, group commit: %d transactions, %.1f writes each on average, largest %d)",
                   objects, writers, seconds, perSecond, batches, Double(objects) / Double(Swift.max(1, batches)), largestBatch)
        }
    }

    /// Figures of ``singleWriterLatency(directory:creates:)`` and ``watchFanout(directory:watchers:events:)``.
    public struct LatencyFigures: Sendable, CustomStringConvertible {
        public var label: String
        public var samples: Int
        public var p50: Duration
        public var p99: Duration
        public var max: Duration
        public var description: String {
            "\(label): \(samples) samples, p50 \(Self.ms(p50)), p99 \(Self.ms(p99)), max \(Self.ms(max))"
        }
        static func ms(_ duration: Duration) -> String {
            String(format: "%.3f ms", Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)
        }
        init(label: String, samples: [Duration]) {
            let sorted = samples.sorted()
            self.label = label
            self.samples = sorted.count
            self.p50 = sorted.isEmpty ? .zero : sorted[sorted.count / 2]
            self.p99 = sorted.isEmpty ? .zero : sorted[Swift.min(sorted.count - 1, sorted.count * 99 / 100)]
            self.max = sorted.last ?? .zero
        }
    }

    /// Creates `objects` small Namespaces from `writers` concurrent tasks through group commit with
    /// `synchronous=FULL`, and times the whole run.
    public static func createThroughput(directory: String, objects: Int, writers: Int) async throws -> CreateFigures {
        let store = try Store.open(directory: directory, options: benchOptions())
        let start = ContinuousClock.now
        try await populate(store, objects: objects, writers: writers, prefix: "bench")
        let elapsed = ContinuousClock.now - start
        let statistics = store.commitStatistics
        await store.close()
        return CreateFigures(objects: objects, writers: writers, seconds: seconds(elapsed), batches: statistics.batches,
                             largestBatch: statistics.largestBatch)
    }

    /// Latency of `creates` sequential creates from one writer (each waits for its own fsync).
    public static func singleWriterLatency(directory: String, creates: Int) async throws -> LatencyFigures {
        let store = try Store.open(directory: directory, options: benchOptions())
        var samples: [Duration] = []
        samples.reserveCapacity(creates)
        for index in 0..<creates {
            let start = ContinuousClock.now
            _ = try await store.create(Namespace(metadata: ObjectMeta(name: "single-\(index)")))
            samples.append(ContinuousClock.now - start)
        }
        await store.close()
        return LatencyFigures(label: "single-writer create latency", samples: samples)
    }

    /// Creates `objects` Namespaces named `<prefix>-<n>` from `writers` concurrent tasks.
    public static func populate(_ store: Store, objects: Int, writers: Int, prefix: String) async throws {
        let tickets = Tickets()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    while true {
                        let index = tickets.take()
                        guard index < objects else { return }
                        _ = try await store.create(Namespace(metadata: ObjectMeta(name: "\(prefix)-\(index)", labels: ["bench": "true"])))
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    static func benchOptions() -> StoreOptions {
        var options = StoreOptions()
        options.synchronous = .full
        options.compactionInterval = nil
        return options
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Hands out 0, 1, 2, … to concurrent writers.
final class Tickets: Sendable {
    private let next = Atomic<Int>(0)
    func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}
