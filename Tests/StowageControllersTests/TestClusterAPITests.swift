import Foundation
import StowageAPI
import StowageClient
import StowageLinux
import StowageTesting
import Testing

/// `TestCluster.serveAPI()`: the in-process cluster served over HTTP as `stowage serve` serves it, so a user's test
/// can point kubectl (or any Kubernetes client) at it.
@Suite("TestCluster: the API over HTTP")
struct TestClusterAPITests {
    static let kubectl = ["/usr/bin/kubectl", "/usr/local/bin/kubectl"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: kubectl != nil, "needs the installed kubectl"))
    func kubectlAppliesAndSeesTheBinderBind() async throws {
        try await withCluster(controllers: "binder,protection") { cluster in
            try await cluster.serveAPI()
            let manifest = Manifests.volume("pv-a", size: "2Gi", storageClass: "") + "\n---\n" + Manifests.claim("data", size: "1Gi", storageClass: "")
            let applied = try await Self.run(["apply", "-f", "-"], kubeconfig: cluster.kubeconfigPath, stdin: manifest)
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("persistentvolumeclaim/data created"))
            try await cluster.waitFor(PersistentVolumeClaim.self, "default/data") { $0.isBound }
            let phase = try await Self.run(["get", "pvc", "data", "-o", "jsonpath={.status.phase} {.spec.volumeName}"], kubeconfig: cluster.kubeconfigPath)
            #expect(phase.stdout == "Bound pv-a", "\(phase.stderr)")
        }
    }

    @Test func theHTTPClientAndTheInProcessAPISeeTheSameObjects() async throws {
        try await withCluster(controllers: "") { cluster in
            let http = try await cluster.serveAPI()
            #expect(try await cluster.serveAPI() === http, "serving twice returns the same client")
            _ = try await http.create(PersistentVolumeClaim(name: "over-http", namespace: "default", request: .gibibytes(1), storageClassName: ""))
            let local = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "over-http"))
            #expect(local.metadata.finalizers == ["kubernetes.io/pvc-protection"], "admission ran once, on the server")
            #expect(cluster.apiURL?.hasPrefix("https://127.0.0.1:") == true)
            await cluster.stopAPI()
            let fresh = try HTTPCluster(endpoint: .stateDirectory(cluster.stateDirectory), requestTimeout: .seconds(2))
            await #expect(throws: (any Error).self, "nothing answers on the socket after stopAPI") {
                _ = try await fresh.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "over-http"))
            }
            try? await fresh.shutdown()
            #expect(try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "over-http")).metadata.name == "over-http",
                    "the in-process API keeps working")
        }
    }

    /// Runs kubectl on its own thread (a blocking wait must not hold a cooperative-pool thread). Spawned with
    /// StowageLinux's `PipedProcess`: Foundation's `Process.run()` in Swift 6.3.1 can read past glibc's directory
    /// buffer while listing `/proc/self/fd` and crashed the whole test process once in CI
    /// (swift-corelibs-foundation#5472).
    static func run(_ arguments: [String], kubeconfig: String, stdin: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    var environment = ProcessInfo.processInfo.environment
                    environment["HOME"] = NSTemporaryDirectory()
                    let output = try PipedProcess.run(kubectl ?? "/usr/bin/kubectl", arguments: ["--kubeconfig", kubeconfig] + arguments,
                                                      environment: environment, input: Data((stdin ?? "").utf8))
                    return (output.status, String(decoding: output.standardOutput, as: UTF8.self),
                            String(decoding: output.standardError, as: UTF8.self))
                })
            }.start()
        }
    }
}
