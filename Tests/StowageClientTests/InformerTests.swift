import Foundation
import Synchronization
import Testing
import StowageAPI
import StowageClient
import StowageJSON

@Suite("Informer")
struct InformerTests {
    @Test func listsThenFollowsChangesIntoAnIndexedCache() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { Task { await temporary.close() } }
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
        #expect(seen.withLock { $0 }.filter { !$0.hasSuffix(" default") } == ["added a", "added b", "updated a", "deleted b"])
    }
}
