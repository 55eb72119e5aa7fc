import ArgumentParser
import Foundation
import StowageBench

/// Options every store benchmark takes: where to put the database.
struct BenchStoreDirectory: ParsableArguments {
    @Option(name: .long, help: "State directory for the benchmark's database (default: a fresh temporary directory, removed after).")
    var dir: String?

    /// Runs `body` with the directory, removing it afterwards when it was a temporary one.
    func with<R>(_ body: (String) async throws -> R) async throws -> R {
        if let dir { return try await body(dir) }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("stowage-bench-\(UUID().uuidString)").path
        defer {
            do { try FileManager.default.removeItem(atPath: temporary) } catch { print("warning: cannot remove \(temporary): \(error)") }
        }
        return try await body(temporary)
    }
}

/// `stowage bench store`: group-commit create throughput and single-writer create latency.
struct BenchStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Create throughput from concurrent writers (group commit, synchronous=FULL) and single-writer latency.")

    @OptionGroup var directory: BenchStoreDirectory
    @Option(help: "Objects to create.") var objects = 50_000
    @Option(help: "Concurrent writers.") var writers = 64
    @Option(help: "Sequential creates for the latency figure.") var latencySamples = 2_000

    func validate() throws {
        try BenchCounts.require("objects", objects, atLeast: 1)
        try BenchCounts.require("writers", writers, atLeast: 1)
        try BenchCounts.require("latency-samples", latencySamples, atLeast: 1)
    }

    func run() async throws {
        try await directory.with { dir in
            print(try await StoreBenchmarks.createThroughput(directory: dir + "/throughput", objects: objects, writers: writers))
            print(try await StoreBenchmarks.singleWriterLatency(directory: dir + "/latency", creates: latencySamples))
        }
    }
}

/// `stowage bench watch`: fan-out of every event to many watchers.
struct BenchWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch", abstract: "Delivery latency of each event to every one of N watchers of one kind.")

    @OptionGroup var directory: BenchStoreDirectory
    @Option(help: "Watchers.") var watchers = 100
    @Option(help: "Events (sequential creates).") var events = 2_000

    func validate() throws {
        try BenchCounts.require("watchers", watchers, atLeast: 1)
        try BenchCounts.require("events", events, atLeast: 1)
    }

    func run() async throws {
        try await directory.with { dir in
            print(try await StoreBenchmarks.watchFanout(directory: dir, watchers: watchers, events: events))
        }
    }
}

/// `stowage bench list`: time to list N objects.
struct BenchListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Time to list N objects of one kind.")

    @OptionGroup var directory: BenchStoreDirectory
    @Option(help: "Objects in the store.") var objects = 10_000
    @Option(help: "Rounds (best and median are reported).") var rounds = 7

    func validate() throws {
        try BenchCounts.require("objects", objects, atLeast: 1)
        try BenchCounts.require("rounds", rounds, atLeast: 1)
    }

    func run() async throws {
        try await directory.with { dir in
            print(try await StoreBenchmarks.listTime(directory: dir, objects: objects, rounds: rounds))
        }
        print(try StoreBenchmarks.codecCost())
        print(try StoreBenchmarks.boundPairCodecCost())
        print(try StoreBenchmarks.createBodyDecodeCost())
    }
}

/// `stowage bench memory`: resident memory of a process that opened a store of N objects and listed them.
/// Populates the directory, then measures in a fresh child process (itself with `--measure`), so the memory
/// used to populate does not count.
struct BenchMemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory", abstract: "Resident memory (VmRSS) after opening a store of N objects and listing them.")

    @OptionGroup var directory: BenchStoreDirectory
    @Option(help: "Objects in the store.") var objects = 100_000
    @Flag(help: "Only open, list and measure (the child process).") var measure = false

    func validate() throws {
        try BenchCounts.require("objects", objects, atLeast: 1)
    }

    func run() async throws {
        if measure, let dir = directory.dir {
            let (count, kilobytes) = try await StoreBenchmarks.residentMemoryAfterOpenAndList(directory: dir)
            print(String(format: "resident memory after opening a store of %d objects and listing them: %.1f MiB (VmRSS %d kB)",
                         count, Double(kilobytes) / 1024, kilobytes))
            return
        }
        try await directory.with { dir in
            _ = try await StoreBenchmarks.listTime(directory: dir, objects: objects, rounds: 1)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["bench", "memory", "--dir", dir, "--objects", String(objects), "--measure"]
            try child.run()
            child.waitUntilExit()
            if child.terminationStatus != 0 { throw ExitCode(child.terminationStatus) }
        }
    }
}
