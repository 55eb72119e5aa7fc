import Foundation
import StowageLinux
import Testing

@Suite("PipedProcess")
struct PipedProcessTests {
    /// What a program is given (arguments, environment, directory, input) reaches it, and what it prints comes back
    /// on the right stream with its exit code — including output larger than a pipe holds on both streams at once.
    @Test(.timeLimit(.minutes(1))) func aProgramGetsItsInputAndItsOutputComesBack() throws {
        let directory = NSTemporaryDirectory() + "stowage-piped-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = #"pwd; echo "$GREETING $1"; cat; echo oops >&2; head -c 200000 /dev/zero >&2; head -c 100000 /dev/zero; exit 7"#
        let result = try PipedProcess.run("/bin/sh", arguments: ["-c", script, "sh", "world"], environment: ["GREETING": "hello"],
                                          workingDirectory: directory, input: Data("from stdin\n".utf8))
        #expect(result.status == 7)
        let lines = String(decoding: result.standardOutput.prefix { $0 != 0 }, as: UTF8.self).split(separator: "\n")
        #expect(lines == [Substring(directory), "hello world", "from stdin"])
        #expect(result.standardOutput.count == directory.utf8.count + 1 + "hello world\nfrom stdin\n".utf8.count + 100_000)
        #expect(result.standardError.prefix(5) == Data("oops\n".utf8))
        #expect(result.standardError.count == 5 + 200_000)
    }

    /// The child holds its three standard descriptors and nothing else of ours (Foundation's Process let a daemon a
    /// command left behind keep our pipes open, and with them the command's end unseen).
    @Test(.timeLimit(.minutes(1))) func theChildInheritsOnlyItsStandardStreams() throws {
        let leaked = open("/dev/null", O_RDONLY)  // not close-on-exec: posix_spawn alone must keep it from the child
        defer { close(leaked) }
        #expect(leaked > 2)
        let result = try PipedProcess.run("/bin/sh", arguments: ["-c", "ls /proc/self/fd"])
        let descriptors = String(decoding: result.standardOutput, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        // 0–2, and the one `ls` opened to read the directory (the lowest free number, 3).
        #expect(descriptors == [0, 1, 2, 3], "\(descriptors) (\(leaked) is ours)")
    }

    /// A program that cannot be started is an error naming it, not a child that exits 127.
    @Test func aMissingProgramIsAnError() {
        #expect(throws: LinuxError.self) { try PipedProcess.run("/nonexistent/stowage-no-such-tool", arguments: []) }
    }

    /// terminate() ends a running child with SIGTERM; the exit code says so (128 + 15).
    @Test(.timeLimit(.minutes(1))) func terminateStopsARunningChild() throws {
        let process = try PipedProcess.start("/bin/sleep", arguments: ["30"])
        #expect(process.isRunning)
        process.terminate()
        #expect(process.waitUntilExit() == 143)
        #expect(!process.isRunning)
    }
}
