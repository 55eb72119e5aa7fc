import Logging
import StowageAPI
import StowageClient
import StowageTesting
import Testing
@testable import StowageControllers

@Suite("Event recorder: identical events are counted, distinct ones all written")
struct EventRecorderTests {
    /// A cluster without controllers, its claim `default/data`, and a recorder (component `test`) writing to it.
    private func withRecorder(_ body: (TestCluster, EventRecorder, PersistentVolumeClaim) async throws -> Void) async throws {
        try await withCluster(controllers: "") { cluster in
            _ = try await cluster.apply(Manifests.claim("data"))
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data"))
            try await body(cluster, EventRecorder(cluster: cluster.cluster, component: "test", logger: Logger(label: "test")), claim)
        }
    }

    @Test func aBurstOfIdenticalEventsBecomesOneEventWithItsCount() async throws {
        try await withRecorder { cluster, recorder, claim in
            for _ in 0..<50 { recorder.warning(claim, reason: "ProvisioningFailed", "no space") }
            recorder.normal(claim, reason: "Provisioning", "provisioning")
            await recorder.finish()

            let events = try await cluster.events(about: PersistentVolumeClaim.self, "default/data")
            #expect(events.count == 2)
            let failed = events.first { $0.reason == "ProvisioningFailed" }
            #expect(failed?.count == 50 && failed?.type == "Warning" && failed?.message == "no space")
            #expect(events.first { $0.reason == "Provisioning" }?.count ?? 1 == 1)
            #expect(events.allSatisfy { $0.source?.component == "test" && $0.involvedObject?.uid == claim.metadata.uid })
        }
    }

    @Test func anEventRepeatedLaterCountsTheOneAlreadyWritten() async throws {
        try await withRecorder { cluster, recorder, claim in
            recorder.normal(claim, reason: "ExternalProvisioning", "waiting")
            let first = try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "ExternalProvisioning")
            recorder.normal(claim, reason: "ExternalProvisioning", "waiting")
            recorder.normal(claim, reason: "ExternalProvisioning", "waiting")
            await recorder.finish()

            let events = try await cluster.events(about: PersistentVolumeClaim.self, "default/data")
            #expect(events.map(\.metadata.name) == [first.metadata.name])
            #expect(events.first?.count == 3)
            // Recorded after finish: dropped, not written.
            recorder.normal(claim, reason: "Late", "after finish")
            #expect(try await cluster.events(about: PersistentVolumeClaim.self, "default/data").count == 1)
        }
    }

    @Test func aBurstOfDistinctEventsLargerThanTheWriteWindowIsWrittenInFull() async throws {
        try await withRecorder { cluster, recorder, claim in
            for attempt in 0..<300 { recorder.warning(claim, reason: "ProvisioningFailed", "attempt \(attempt) failed") }
            await recorder.finish()

            let events = try await cluster.events(about: PersistentVolumeClaim.self, "default/data")
            #expect(events.count == 300)
            let missing = Set((0..<300).map { "attempt \($0) failed" }).subtracting(events.compactMap(\.message))
            #expect(missing.isEmpty, "not written: \(missing.sorted())")
            #expect(events.allSatisfy { ($0.count ?? 1) == 1 })
        }
    }

    @Test func onlyTheMostRecentEventsAreRemembered() {
        var recent = RecentEvents(limit: 100)
        let fingerprints = (0..<250).map { EventRecorder.Fingerprint(uid: "u\($0)", type: "Normal", reason: "R", message: "m") }
        for (index, fingerprint) in fingerprints.enumerated() {
            recent.remember(ObjectKey(namespace: "default", name: "e\(index)"), for: fingerprint)
        }
        #expect(recent.count == 100)
        #expect(recent[fingerprints[149]] == nil)
        #expect(recent[fingerprints[150]] == ObjectKey(namespace: "default", name: "e150"))
        #expect(recent[fingerprints[249]] == ObjectKey(namespace: "default", name: "e249"))
    }
}
