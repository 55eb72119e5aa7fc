import Foundation
import Testing
import StowageAPI
import StowageClient
import StowageStore
@testable import StowageServer

@Suite struct APIWatchTests {
    @Test func aWatchStreamsAnotherClientsChanges() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let start = try await server.client.list(PersistentVolumeClaim.self, ListOptions(namespace: "default")).resourceVersion
        let events = try await server.client.watch(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: start))
        let writer = Task {
            for index in 0..<3 {
                _ = try await server.cluster.create(PersistentVolumeClaim(name: "w\(index)", request: Quantity(bytes: 1 << 20)))
            }
        }
        var seen: [String] = []
        for try await event in events where event.type == .added {
            seen.append(event.object.metadata.name ?? "")
            if seen.count == 3 { break }
        }
        try await writer.value
        #expect(seen == ["w0", "w1", "w2"])
    }

    @Test func aCompactedResourceVersionEndsWith410Expired() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        for index in 0..<5 { _ = try await server.cluster.create(PersistentVolumeClaim(name: "c\(index)", request: Quantity(bytes: 1 << 20))) }
        let head = try await server.cluster.list(PersistentVolumeClaim.self, ListOptions()).resourceVersion
        _ = try await server.store.compact(upTo: Int64(head)!)
        let raw = try await server.raw("GET", "/api/v1/namespaces/default/persistentvolumeclaims?watch=1&resourceVersion=1")
        #expect(raw.code == 200)
        let lines = raw.body.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""type":"ERROR""#) == true)
        #expect(lines.first?.contains(#""code":410"#) == true)
        #expect(lines.first?.contains(#""reason":"Expired""#) == true)

        await #expect { () async throws in
            for try await _ in try await server.client.watch(PersistentVolumeClaim.self, WatchOptions(resourceVersion: "1")) {}
        } throws: { ($0 as? APIError)?.reason == .expired }
    }

    @Test func timeoutSecondsEndsTheStreamAndBookmarksCarryTheRevision() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        _ = try await server.cluster.create(PersistentVolumeClaim(name: "b", request: Quantity(bytes: 1 << 20)))
        let raw = try await server.raw("GET", "/api/v1/persistentvolumeclaims?watch=true&timeoutSeconds=1")
        #expect(raw.code == 200)
        #expect(raw.body.contains(#""type":"ADDED""#), "without a resourceVersion the current objects come first")
    }

    /// A claim that stops matching a watch's label selector is DELETED for that watch with its last matching
    /// state, while an unfiltered watch of the same change gets MODIFIED with the new state: two bodies at one
    /// revision, and the encoding shared between watchers must not hand one the other's.
    @Test func aClaimLeavingASelectorIsDeletedWithItsLastMatchingState() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let start = try await server.client.list(PersistentVolumeClaim.self, ListOptions(namespace: "default")).resourceVersion
        var claim = PersistentVolumeClaim(name: "leaves", request: Quantity(bytes: 1 << 20))
        claim.metadata.labels = ["app": "web"]
        claim = try await server.cluster.create(claim)
        claim.metadata.labels = ["app": "db"]
        _ = try await server.cluster.update(claim)

        let path = "/api/v1/namespaces/default/persistentvolumeclaims?watch=1&timeoutSeconds=1&resourceVersion=\(start)"
        let everything = try await server.raw("GET", path).body.split(separator: "\n")
        let selected = try await server.raw("GET", path + "&labelSelector=app%3Dweb").body.split(separator: "\n")
        #expect(everything.count == 2)
        #expect(everything.last?.contains(#""type":"MODIFIED""#) == true)
        #expect(everything.last?.contains(#""app":"db""#) == true)
        #expect(selected.count == 2)
        #expect(selected.last?.contains(#""type":"DELETED""#) == true)
        #expect(selected.last?.contains(#""app":"web""#) == true, "DELETED carries the state that matched: \(selected.last ?? "")")
    }
}
