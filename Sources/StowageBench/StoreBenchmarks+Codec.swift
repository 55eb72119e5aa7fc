import Foundation
import StowageAPI

extension StoreBenchmarks {
    /// Microseconds per operation of the store's object codec (``APICodec``) against Foundation's coders with
    /// the same output rules (sorted keys), on the object `bench store` and `bench list` use, as the store holds
    /// it (uid, resourceVersion, creationTimestamp set). Printed by `bench list`, so a regression in either
    /// direction shows next to the list time it explains.
    public static func codecCost(iterations: Int = 20_000) throws -> String {
        var object = Namespace(metadata: ObjectMeta(name: "bench-12345", labels: ["bench": "true"]))
        object.metadata.uid = "5f0c8a52-1e0b-4f57-9d7e-3c1a2b4d5e6f"
        object.metadata.resourceVersion = "12345"
        object.metadata.creationTimestamp = Timestamp(secondsSinceEpoch: 1_795_000_000)
        object.metadata.annotations = ["example.com/owner": "team-a", "example.com/tier": "gold"]
        let foundationEncoder = JSONEncoder()
        foundationEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let stored = try APICodec.encode(object)
        let encode = try time(iterations) { _ = try APICodec.encode(object) }
        let foundationEncode = try time(iterations) { _ = try foundationEncoder.encode(object) }
        let decode = try time(iterations) { _ = try APICodec.decode(Namespace.self, from: stored) }
        let foundationDecode = try time(iterations) { _ = try JSONDecoder().decode(Namespace.self, from: stored) }
        let timestamp = try time(iterations) { _ = object.metadata.creationTimestamp?.description }
        func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
        return "codec, stored Namespace (\(stored.count) bytes): encode \(fmt(encode)) µs (Foundation JSONEncoder \(fmt(foundationEncode)) µs), "
            + "decode \(fmt(decode)) µs (Foundation JSONDecoder \(fmt(foundationDecode)) µs), Timestamp.description \(fmt(timestamp)) µs"
    }

    private static func time(_ iterations: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<min(iterations, 1_000) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        return seconds(ContinuousClock.now - start) * 1e6 / Double(iterations)
    }
}
