import Foundation
import StowageLinux
import Testing

/// The benchmarks refuse what they cannot run, saying why, before measuring anything.
@Suite("stowage bench: refusals", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built: run `swift build` first"))
struct BenchCommandTests {
    private static func bench(_ arguments: [String], driversDirectory: String? = nil) throws -> CommandRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        if let driversDirectory { environment["STOWAGE_DRIVERS_DIR"] = driversDirectory }
        return CommandRunner.Result(try PipedProcess.run(try #require(CommandRunner.executable), arguments: ["bench"] + arguments,
                                                         environment: environment))
    }

    @Test func aDriverTheBenchmarkDoesNotRunIsNamed() throws {
        let result = try Self.bench(["dynamic", "--driver", "nfs"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--driver: nfs is not a driver this benchmark runs; use hostpath or loop"), "\(result.stderr)")
    }

    // A negative value is written --option=-1: after a space, the parser takes it for an option.
    @Test(arguments: [
        (["api", "--creates=-1"], "--creates: -1 is out of range; give 1 or more"),
        (["api", "--clients", "0"], "--clients: 0 is out of range; give 1 or more"),
        (["api", "--loaded=-5"], "--loaded: -5 is out of range; give 0 or more"),
        (["bind", "--pairs", "1000", "--pairs=-1"], "--pairs: -1 is out of range; give 1 or more"),
        (["store", "--writers", "0"], "--writers: 0 is out of range; give 1 or more"),
        (["events", "--concurrent-writes=-2"], "--concurrent-writes: -2 is out of range; give 0 or more"),
        (["volumes", "--endpoint", "unix:///nonexistent.sock", "--size-mib", "0"], "--size-mib: 0 is out of range; give 1 or more"),
    ])
    func aCountOutOfRangeIsRefusedByName(arguments: [String], message: String) throws {
        let result = try Self.bench(arguments)
        #expect(result.status == 64, "a usage error, not a trap: \(result.status)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aMissingDriverExecutableIsNamedWithTheBuildCommand() throws {
        let result = try Self.bench(["dynamic", "--claims", "1", "--sequential", "0"], driversDirectory: "/nonexistent-stowage-drivers")
        #expect(result.status != 0)
        #expect(result.stderr.contains("driver executable /nonexistent-stowage-drivers/stowage-hostpath not found: build it"), "\(result.stderr)")
        #expect(result.stderr.contains("swift build -c release --product stowage-hostpath"), "\(result.stderr)")
    }

    @Test func aServerThatCannotStartIsExplainedByItsOwnMessage() throws {
        let result = try Self.bench(["api", "--creates", "1", "--events", "1", "--watchers", "1", "--loaded", "0"],
                                    driversDirectory: "/nonexistent-stowage-drivers")
        #expect(result.status != 0)
        #expect(result.stderr.contains("stowage serve exited with status 1"), "\(result.stderr)")
        #expect(result.stderr.contains("driver executable /nonexistent-stowage-drivers/stowage-"), "the server's own reason: \(result.stderr)")
    }

    @Test func theControllersOfTheServerUnderTestAreChosenOnce() throws {
        let both = try Self.bench(["api", "--api-only", "--controllers", "binder", "--loaded", "0"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("give --api-only or --controllers, not both"), "\(both.stderr)")
        let unknown = try Self.bench(["api", "--controllers", "binder,nosuch", "--creates", "1", "--events", "1", "--watchers", "1", "--loaded", "0"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains(#"unknown controller "nosuch""#), "the server names the controller it does not know: \(unknown.stderr)")
    }
}
