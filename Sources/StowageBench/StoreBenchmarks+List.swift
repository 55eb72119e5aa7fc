import Foundation
import StowageAPI
import StowageStore

extension StoreBenchmarks {
    /// Figures of ``listTime(directory:objects:rounds:)``.
    public struct ListFigures: Sendable, CustomStringConvertible {
        public var objects: Int
        /// The first list after opening the store: every object decoded from JSON.
        public var first: Duration
        /// The later rounds: unchanged objects come from the store's decoded-object cache.
        public var best: Duration
        public var median: Duration
        public var description: String {
            "list of \(objects) objects: first (cold, decoding every object) \(LatencyFigures.ms(first)); later rounds (decoded-object cache) best \(LatencyFigures.ms(best)), median \(LatencyFigures.ms(median))"
        }
    }

    /// Lists `objects` Namespaces (created first when the store has fewer) `rounds` times.
    public static func listTime(directory: String, objects: Int, rounds: Int) async throws -> ListFigures {
        let populating = try Store.open(directory: directory, options: benchOptions())
        let existing = try await populating.list(Namespace.self, StoreListOptions(limit: 1))
        if existing.items.count + (existing.remainingItemCount ?? 0) < objects {
            try await populate(populating, objects: objects, writers: 64, prefix: "list")
        }
        await populating.close()
        // Reopened, so the first round starts with an empty decoded-object cache.
        let store = try Store.open(directory: directory, options: benchOptions())
        var samples: [Duration] = []
        for _ in 0..<rounds {
            let start = ContinuousClock.now
            let list = try await store.list(Namespace.self)
            samples.append(ContinuousClock.now - start)
            guard list.items.count >= objects else {
                throw BenchmarkError(message: "list returned \(list.items.count) objects, expected at least \(objects)")
            }
        }
        await store.close()
        let first = samples.first ?? .zero
        let later = samples.dropFirst().sorted()
        return ListFigures(objects: objects, first: first, best: later.first ?? first, median: later.isEmpty ? first : later[later.count / 2])
    }

    /// Resident memory (VmRSS of /proc/self/status) after opening the store in `directory` and listing every
    /// Namespace in it. Run it in a fresh process on a populated directory so earlier work does not count.
    public static func residentMemoryAfterOpenAndList(directory: String) async throws -> (objects: Int, kilobytes: Int) {
        let store = try Store.open(directory: directory, options: benchOptions())
        let list = try await store.list(Namespace.self)
        let kilobytes = try residentKilobytes()
        await store.close()
        return (list.items.count, kilobytes)
    }

    /// VmRSS of this process, in kB.
    /// - Throws: ``BenchmarkError`` when /proc/self/status cannot be read or has no VmRSS line.
    public static func residentKilobytes() throws -> Int {
        guard let value = APIBenchmarks.statusKilobytes(pid: getpid())["VmRSS"] else {
            throw BenchmarkError(message: "no VmRSS line in /proc/self/status")
        }
        return value
    }
}

/// A benchmark that could not produce its figure.
public struct BenchmarkError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    /// A benchmark that could not run, and why.
    public init(message: String) { self.message = message }
}
