import StowageAPI
import StowageClient
import StowageTesting
import Synchronization
import Testing

/// Many claims and volumes created at once: every bind is to a distinct volume, nothing is bound twice, nothing
/// is Lost.
@Suite("Binder: races")
struct RaceTests {
    /// How the test's clients reach the API.
    enum Transport: String, CustomTestStringConvertible {
        case inProcess, http
        var testDescription: String { rawValue }
    }

    @Test("1,000 claims and 1,000 volumes created concurrently all bind, one to one",
          arguments: [(1_000, 1_000, Transport.inProcess), (1_000, 500, .inProcess), (1_000, 1_000, .http), (1_000, 500, .http)])
    func concurrentCreation(claims: Int, volumes: Int, transport: Transport) async throws {
        try await withCluster(controllers: "binder,protection") { cluster in
            // Over HTTP the objects go through the real server (a Unix socket, as `stowage serve` listens on).
            let api: any Cluster = transport == .http ? try await cluster.serveAPI() : cluster.cluster
            // 32 concurrent clients, as a busy API server would see them (not 2,000 tasks at once).
            let next = Tickets()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<32 {
                    group.addTask {
                      while case let index = next.take(), index < max(claims, volumes) {
                        if index < volumes {
                            _ = try await api.create(PersistentVolume(name: "pv-\(index)", capacity: .gibibytes(1), storageClassName: "",
                                                                     hostPath: HostPathVolumeSource(path: "/srv/pv-\(index)")))
                        }
                        if index < claims {
                            _ = try await api.create(PersistentVolumeClaim(name: "pvc-\(index)", namespace: "default",
                                                                           request: .gibibytes(1), storageClassName: ""))
                        }
                      }
                    }
                }
                try await group.waitForAll()
            }
            let expectedBound = min(claims, volumes)
            let deadline = ContinuousClock.now.advanced(by: .seconds(120))
            var bound: [PersistentVolumeClaim] = []
            while ContinuousClock.now < deadline {
                bound = try await api.listAll(PersistentVolumeClaim.self, namespace: "default").filter(\.isBound)
                if bound.count >= expectedBound { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(bound.count == expectedBound)
            let all = try await api.listAll(PersistentVolumeClaim.self, namespace: "default")
            #expect(!all.contains { $0.status?.phase == PersistentVolumeClaimPhase.lost }, "no claim is Lost")
            let volumesUsed = bound.compactMap(\.spec?.volumeName)
            #expect(Set(volumesUsed).count == volumesUsed.count, "no volume is bound twice")
            // Both halves agree: every bound claim's volume points back at it.
            let pvs = Dictionary(uniqueKeysWithValues: try await api.listAll(PersistentVolume.self).map { ($0.metadata.name ?? "", $0) })
            for claim in bound {
                let volume = pvs[claim.spec?.volumeName ?? ""]
                #expect(volume?.spec?.claimRef?.uid == claim.metadata.uid, "\(claim.metadata.name ?? "") ↔ \(claim.spec?.volumeName ?? "")")
            }
            // Settled: no volume claims a claim that is bound elsewhere.
            let claimed = pvs.values.filter { $0.spec?.claimRef != nil }
            #expect(claimed.count == expectedBound)
        }
    }
}

/// Hands out 0, 1, 2, … to concurrent tasks.
final class Tickets: Sendable {
    private let next = Mutex(0)
    func take() -> Int { next.withLock { value in defer { value += 1 }; return value } }
}
