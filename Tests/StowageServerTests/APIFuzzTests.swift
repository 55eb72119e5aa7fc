import Foundation
import Testing
import StowageJSON
@testable import StowageServer

/// Bad input at the HTTP surface: random bytes, truncated and mutated manifests, wrong kinds at a path, huge
/// labels, deep nesting, invalid resourceVersions. The server must answer each with a 4xx Status (never a
/// 5xx), keep serving, and not leak file descriptors.
@Suite struct APIFuzzTests {
    static let manifest = Array("""
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"fuzz","labels":{"app":"web"}},
         "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}
        """.utf8)

    static let paths = [
        "/api/v1/namespaces/default/persistentvolumeclaims", "/api/v1/namespaces/default/persistentvolumeclaims/fuzz",
        "/api/v1/persistentvolumes", "/apis/storage.k8s.io/v1/storageclasses", "/apis/apps/v1/namespaces/default/statefulsets",
        "/api/v1/namespaces/default/pods/fuzz/status", "/api/v1/namespaces/nope/persistentvolumeclaims",
        "/api/v1/namespaces/default/persistentvolumeclaims?watch=1&resourceVersion=-5",
        "/api/v1/namespaces/default/persistentvolumeclaims?labelSelector=%3D%3D%3D", "/api/v1/nodes?fieldSelector=spec.x%3Dy",
        "/api/v1/namespaces/default/persistentvolumeclaims?limit=-1", "/api/v1/namespaces/default/persistentvolumeclaims?continue=garbage",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    ]

    @Test func badInputIsAlways4xxAndLeaksNothing() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var generator = SeededGenerator(seed: 0x5707A6E)
        let openDescriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        var bodies: [[UInt8]] = [
            (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) },
            Array(Self.manifest.prefix(40)),
            Array(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}"#.utf8),
            Array(String(repeating: "[", count: 10_000).utf8),
            Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"big","labels":{"k":""#.utf8)
                + [UInt8](repeating: UInt8(ascii: "v"), count: 200_000) + Array(#""}}}"#.utf8),
            Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"rv","resourceVersion":"not-a-number"}}"#.utf8),
            Array("[]".utf8), Array("null".utf8), Array("\"text\"".utf8),
            // Kubernetes protobuf: the prefix with garbage, a length running past the end, messages overrunning their parents.
            KubernetesEnvelope.magic + (0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) },
            KubernetesEnvelope.magic + [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01],
            KubernetesEnvelope.magic + Array(repeating: [UInt8](arrayLiteral: 0x12, 0x7F), count: 2_000).flatMap { $0 },
        ]
        for _ in 0..<40 {
            var mutated = Self.manifest
            for _ in 0..<3 { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 32...126, using: &generator) }
            bodies.append(mutated)
        }
        let methods = ["POST", "PUT", "PATCH", "DELETE", "GET"]
        var answered = 0
        for body in bodies {
            for method in methods {
                let path = Self.paths[Int.random(in: 0..<Self.paths.count, using: &generator)]
                let contentTypes = ["application/json", "application/merge-patch+json", "application/json-patch+json",
                                    "application/strategic-merge-patch+json", "application/yaml", "text/plain", "application/vnd.kubernetes.protobuf"]
                let contentType = contentTypes[Int.random(in: 0..<contentTypes.count, using: &generator)]
                let response = try await server.raw(method, path, body: method == "GET" ? nil : body, contentType: contentType)
                #expect(response.code < 500, "\(method) \(path) (\(contentType)) answered \(response.code): \(response.body.prefix(300))")
                if response.code >= 400 {
                    #expect(response.body.contains("\"kind\":\"Status\""), "\(method) \(path): \(response.body.prefix(200))")
                }
                answered += 1
            }
        }
        #expect(answered == bodies.count * methods.count)
        // Still serving, and no descriptor left behind by the bad requests.
        #expect(try await server.raw("GET", "/api/v1/namespaces/default/persistentvolumeclaims").code == 200)
        let after = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        #expect(after <= openDescriptors + 4, "descriptors before \(openDescriptors), after \(after)")
        // Bad paths do not become metric label values.
        #expect(try await server.raw("GET", "/apis/example.com/v1/widgets-\(UUID().uuidString)").code == 404)
        let metrics = try await server.raw("GET", "/metrics")
        #expect(!metrics.body.contains("resource=\"widgets-"))
        #expect(metrics.body.contains("resource=\"unknown\""))
    }
}

/// A small deterministic generator so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
