#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import StowageCSI

/// A small deterministic generator (xorshift64*), so that a failing case can be replayed from its seed.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed == 0 ? 0x9E3779B97F4A7C15 : seed }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2685821657736338717
    }
}

/// One hostile line (without its `\n`); never empty, never containing `\n` or `\r`.
private func hostileLine(_ index: Int, _ rng: inout SeededGenerator) -> [UInt8] {
    let valid = #"{"jsonrpc":"2.0","id":\#(index),"method":"CreateVolume","params":{"name":"fuzz-\#(index)","capacityRange":{"requiredBytes":"1024"},"volumeCapabilities":[{"mount":{"fsType":"ext4"},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}]}}"#
    switch Int.random(in: 0..<11, using: &rng) {
    case 0:
        return (0..<Int.random(in: 1...200, using: &rng)).map { _ in
            var byte = UInt8.random(in: 0...255, using: &rng)
            while byte == 0x0A || byte == 0x0D { byte = UInt8.random(in: 0...255, using: &rng) }
            return byte
        }
    case 1:
        let bytes = Array(valid.utf8)
        return Array(bytes[..<Int.random(in: 1..<bytes.count, using: &rng)])
    case 2:
        return Array(repeating: UInt8(ascii: "["), count: 100_000)
    case 3:
        let number = ["1e999999", "123456789012345678901234567890", "-9223372036854775809", "1.5", "\"99999999999999999999\""]
            .randomElement(using: &rng)!
        return Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"CreateVolume","params":{"name":"n","capacityRange":{"requiredBytes":\#(number)}}}"#.utf8)
    case 4:
        return Array([
            #"{"jsonrpc":"2.0","id":\#(index),"method":"CreateVolume","params":{"name":[1],"volumeCapabilities":"x"}}"#,
            #"{"jsonrpc":"2.0","id":{"a":1},"method":"Probe"}"#,
            #"{"jsonrpc":"2.0","id":\#(index),"method":5}"#,
            #"{"jsonrpc":"1.0","id":\#(index),"method":"Probe"}"#,
            #"{"jsonrpc":"2.0","id":\#(index),"method":"NodeGetVolumeStats","params":[]}"#,
            #"{"jsonrpc":"2.0","id":\#(index),"method":"CreateVolume","params":{"volumeCapabilities":[{"accessMode":{"mode":true}}]}}"#,
            "null", "\"just a string\"", "42", "[]", "{}",
        ].randomElement(using: &rng)!.utf8)
    case 5:
        return Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"Bogus\#(index)","params":{}}"#.utf8)
    case 6:
        return Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"Probe"}"#.utf8)
    case 7:
        return Array(valid.utf8)
    case 8:
        let depth = Int.random(in: 100...5000, using: &rng)
        return Array((#"{"jsonrpc":"2.0","id":\#(index),"method":"Probe","params":{"future":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}}").utf8)
    case 9:
        var bytes = Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"CreateVolume","params":{"name":""#.utf8)
        bytes += [0xC3, 0x28, 0xFF, 0xFE]
        bytes += Array(#""}}"#.utf8)
        return bytes
    default:
        return Array(#"{"jsonrpc":"2.0","id":\#(index),"method":"GetPluginInfo","params":{"unknown":{"deep":[1,{"x":null}]}},"extra":true}"#.utf8)
    }
}

/// Sends `count` hostile lines on a raw connection and reads one answer per line. Runs on its own thread.
private func hammer(path: String, seed: UInt64, count: Int) async -> (answers: Int, problems: [String]) {
    await withCheckedContinuation { continuation in
        Thread {
            var rng = SeededGenerator(seed: seed)
            var problems: [String] = []
            var answers = 0
            do {
                let raw = try RawConnection(path: path)
                var batch: [UInt8] = []
                for i in 0..<count {
                    batch += hostileLine(i, &rng)
                    batch.append(0x0A)
                }
                try raw.send(batch)
                for _ in 0..<count {
                    guard let line = raw.readLine(timeout: .seconds(30)) else {
                        problems.append("seed \(seed): no answer after \(answers) answers")
                        break
                    }
                    answers += 1
                    let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
                    let hasCode = (object?["error"] as? [String: Any])?["code"] is Int
                    if !hasCode && object?["result"] == nil { problems.append("seed \(seed): answer without code: \(line.prefix(200))") }
                }
                // Half a line, then the connection drops: the server must clean up without answering.
                try raw.send(Array(#"{"jsonrpc":"2.0","id":1,"meth"#.utf8))
                raw.close()
            } catch {
                problems.append("seed \(seed): \(error)")
            }
            continuation.resume(returning: (answers, problems))
        }.start()
    }
}

@Suite("DriverServer under hostile input")
struct FuzzTests {
    @Test func hostileLinesFromSeveralConnections() async throws {
        let (server, dir) = try startServer()
        defer { dir.remove() }
        let path = dir.socket()
        let count = 150
        let client = try DriverClient(endpoint: path)
        let results = await withTaskGroup(of: (answers: Int, problems: [String]).self) { group in
            for seed in UInt64(1)...4 { group.addTask { await hammer(path: path, seed: seed, count: count) } }
            // Meanwhile a well-behaved client keeps being served.
            group.addTask {
                var problems: [String] = []
                for _ in 0..<50 {
                    do { _ = try await client.probe(timeout: .seconds(30)) } catch { problems.append("probe failed: \(error)") }
                }
                return (0, problems)
            }
            var all: [(answers: Int, problems: [String])] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results { #expect(result.problems.isEmpty, "\(result.problems.prefix(5))") }
        #expect(results.map(\.answers).reduce(0, +) == 4 * count)
        #expect(try await client.getPluginInfo().name == "test.stowage.dev")
        client.close()
        // Nothing leaks: every connection and call is gone once the clients left.
        #expect(await eventually { server.connectionCount == 0 && server.activeCallCount == 0 })
        #expect(server.isAccepting)
        await server.shutdown()
        #expect(!server.isAccepting && server.connectionCount == 0)
    }
}
