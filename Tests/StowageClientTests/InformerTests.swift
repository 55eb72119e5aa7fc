import Foundation
import Synchronization
import Testing
import StowageAPI
import StowageClient
import StowageJSON

@Suite("Informer")
struct InformerTests {
    @Test func waitingForSyncEndsWhenTheWaiterIsCancelled() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        // Never run, so never synced: a waiter returns only because it is cancelled.
        let informer = Informer<Namespace>(cluster: temporary.cluster)
        let waiter = Task { await informer.waitForSync(); return informer.hasSynced }
        // Not a wait for a condition: it only makes it likely that the waiter is parked before the cancel. Either
        // order must end the wait (the early case is checked again below), so the test cannot pass by luck.
        try await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        #expect(await waiter.value == false)

        // A waiter cancelled before it waits returns at once; one that waits for a running informer sees it synced.
        let early = Task { withUnsafeCurrentTask { $0?.cancel() }; await informer.waitForSync() }
        await early.value
        let running = Task { await informer.run() }
        defer { running.cancel() }
        await informer.waitForSync()
        #expect(informer.hasSynced)
    }

    @Test func listsThenFollowsChangesIntoAnIndexedCache() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "a", labels: ["team": "red"])))
        let informer = Informer<Namespace>(cluster: cluster, indexes: ["team": { [$0.metadata.labels?["team"] ?? ""] }])
        let seen = Mutex<[String]>([])
        informer.addHandler { event in
            let line: String
            switch event {
            case .added(let object): line = "added \(object.metadata.name ?? "")"
            case .updated(_, let new): line = "updated \(new.metadata.name ?? "")"
            case .deleted(let object): line = "deleted \(object.metadata.name ?? "")"
            }
            seen.withLock { $0.append(line) }
        }
        let running = Task { await informer.run() }
        defer { running.cancel() }
        await informer.waitForSync()
        #expect(informer.get(ObjectKey(name: "a"))?.metadata.labels?["team"] == "red")
        #expect(informer.byIndex("team", "red").map { $0.metadata.name } == ["a"])

        _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "b", labels: ["team": "red"])))
        _ = try await cluster.patch(Namespace.self, ObjectKey(name: "a"), .merge(try JSONParser.parse(#"{"metadata":{"labels":{"team":"blue"}}}"#)))
        _ = try await cluster.delete(Namespace.self, ObjectKey(name: "b"))

        #expect(await eventually { seen.withLock { $0.contains("deleted b") } })
        #expect(informer.byIndex("team", "red").isEmpty)
        #expect(informer.byIndex("team", "blue").map { $0.metadata.name } == ["a"])
        #expect(informer.get(ObjectKey(name: "b")) == nil)
        #expect(seen.withLock { $0 }.filter { !$0.hasSuffix(" default") && !$0.hasSuffix(" kube-system") } == ["added a", "added b", "updated a", "deleted b"])
    }
}

@Suite("Standard indexes")
struct StandardIndexTests {
    @Test func podsAreFoundByNodeAndByClaimAndClaimsByVolume() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        let pods = Informer<Pod>(cluster: cluster, indexes: [
            StandardIndexes.podsByNode: StandardIndexes.nodeName(of:),
            StandardIndexes.podsByClaim: StandardIndexes.claims(of:),
        ])
        let claims = Informer<PersistentVolumeClaim>(cluster: cluster, indexes: [StandardIndexes.claimsByVolume: StandardIndexes.volumeName(of:)])
        let runners = [Task { await pods.run() }, Task { await claims.run() }]
        defer { runners.forEach { $0.cancel() } }
        await pods.waitForSync()
        await claims.waitForSync()

        let podJSON = #"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"default"},
         "spec":{"nodeName":"box1","containers":[{"name":"c","command":["true"]}],
                 "volumes":[{"name":"www","persistentVolumeClaim":{"claimName":"www-web-0"}},
                            {"name":"scratch","ephemeral":{"volumeClaimTemplate":{"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}}}]}}
        """#
        _ = try await cluster.create(try APICodec.decode(Pod.self, from: try JSONParser.parse(podJSON)).object)
        let claimJSON = #"""
        {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"www-web-0","namespace":"default"},
         "spec":{"accessModes":["ReadWriteOnce"],"volumeName":"pvc-1","resources":{"requests":{"storage":"1Gi"}}}}
        """#
        _ = try await cluster.create(try APICodec.decode(PersistentVolumeClaim.self, from: try JSONParser.parse(claimJSON)).object)

        #expect(await eventually { !pods.byIndex(StandardIndexes.podsByNode, "box1").isEmpty })
        #expect(pods.byIndex(StandardIndexes.podsByClaim, "default/www-web-0").map { $0.metadata.name } == ["web-0"])
        #expect(pods.byIndex(StandardIndexes.podsByClaim, "default/web-0-scratch").map { $0.metadata.name } == ["web-0"])
        #expect(await eventually { claims.byIndex(StandardIndexes.claimsByVolume, "pvc-1").map { $0.metadata.name } == ["www-web-0"] })
    }
}
