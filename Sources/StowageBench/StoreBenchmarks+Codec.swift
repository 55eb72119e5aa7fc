import Foundation
import StowageAPI
import StowageJSON

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

    /// Microseconds to encode and decode the objects every bind writes (a bound PersistentVolume and its claim, as
    /// the binder leaves them), through ``APICodec`` (whose hot kinds write themselves, ``JSONObjectWritable``)
    /// and through their `Encodable` conformances with the same encoder. Printed by `bench list`.
    public static func boundPairCodecCost(iterations: Int = 20_000) throws -> String {
        var volume = PersistentVolume(
            name: "pv-1234", capacity: try Quantity(parsing: "1Gi"), storageClassName: "",
            hostPath: HostPathVolumeSource(path: "/srv/pv-1234", type: ""), reclaimPolicy: "Retain", volumeMode: "Filesystem",
            claimRef: ObjectReference(kind: "PersistentVolumeClaim", namespace: "default", name: "pvc-1234",
                                      uid: "0192f7a4-1111-7000-8000-000000001234", apiVersion: "v1", resourceVersion: "20034"))
        volume.metadata.uid = "0192f7a4-2222-7000-8000-000000001234"
        volume.metadata.creationTimestamp = Timestamp(secondsSinceEpoch: 1_795_000_000)
        volume.metadata.generation = 1
        volume.metadata.finalizers = ["kubernetes.io/pv-protection"]
        volume.metadata.annotations = ["pv.kubernetes.io/bound-by-controller": "yes"]
        volume.status = PersistentVolumeStatus(phase: "Bound", lastPhaseTransitionTime: Timestamp(secondsSinceEpoch: 1_795_000_010))
        var claim = PersistentVolumeClaim(name: "pvc-1234", request: try Quantity(parsing: "1Gi"), storageClassName: "", volumeMode: "Filesystem", volumeName: "pv-1234")
        claim.metadata.uid = "0192f7a4-1111-7000-8000-000000001234"
        claim.metadata.creationTimestamp = Timestamp(secondsSinceEpoch: 1_795_000_000)
        claim.metadata.generation = 1
        claim.metadata.finalizers = ["kubernetes.io/pvc-protection"]
        claim.metadata.annotations = ["pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes"]
        claim.status = PersistentVolumeClaimStatus(phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: ["storage": try Quantity(parsing: "1Gi")])
        let throughEncodable = JSONStreamEncoder(sortsKeys: true, writesObjectsDirectly: false)
        let storedVolume = try APICodec.encode(volume)
        let storedClaim = try APICodec.encode(claim)
        let volumeEncode = try time(iterations) { _ = try APICodec.encode(volume) }
        let volumeEncodable = try time(iterations) { _ = try throughEncodable.encode(volume) }
        let volumeDecode = try time(iterations) { _ = try APICodec.decode(PersistentVolume.self, from: storedVolume) }
        let claimEncode = try time(iterations) { _ = try APICodec.encode(claim) }
        let claimEncodable = try time(iterations) { _ = try throughEncodable.encode(claim) }
        let claimDecode = try time(iterations) { _ = try APICodec.decode(PersistentVolumeClaim.self, from: storedClaim) }
        func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
        return "codec, bound PersistentVolume (\(storedVolume.count) bytes): encode \(fmt(volumeEncode)) µs (through Encodable \(fmt(volumeEncodable)) µs), decode \(fmt(volumeDecode)) µs; "
            + "bound claim (\(storedClaim.count) bytes): encode \(fmt(claimEncode)) µs (through Encodable \(fmt(claimEncodable)) µs), decode \(fmt(claimDecode)) µs"
    }

    /// Microseconds the API server spends turning a create's body into a claim: parsing the bytes, then decoding
    /// the tree with the unknown-field report that becomes kubectl's warnings. The claim is `bench api`'s, as the
    /// client sends it. Printed by `bench list`.
    public static func createBodyDecodeCost(iterations: Int = 20_000) throws -> String {
        let body = [UInt8](try APICodec.encode(APIBenchmarks.claim("bench-1234", namespace: "default")))
        let tree = try JSONParser.parse(body)
        let parse = try time(iterations) { _ = try JSONParser.parse(body) }
        let decode = try time(iterations) { _ = try APICodec.decode(PersistentVolumeClaim.self, from: tree) }
        func fmt(_ value: Double) -> String { String(format: "%.2f", value) }
        return "codec, a claim's create body (\(body.count) bytes, as `bench api` sends it): parse \(fmt(parse)) µs, decode reporting unknown fields \(fmt(decode)) µs"
    }

    private static func time(_ iterations: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<min(iterations, 1_000) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        return seconds(ContinuousClock.now - start) * 1e6 / Double(iterations)
    }
}
