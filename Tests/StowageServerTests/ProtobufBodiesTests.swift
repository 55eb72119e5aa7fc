import Foundation
import Testing
import StowageAPI
import StowageJSON
@testable import StowageServer

/// Request bodies in Kubernetes protobuf, as kubectl's typed clients send them (`kubectl create namespace`).
@Suite struct ProtobufBodiesTests {
    private static func envelope(apiVersion: String, kind: String, _ object: ProtobufWriter) -> [UInt8] {
        var typeMeta = ProtobufWriter()
        typeMeta.string(1, apiVersion)
        typeMeta.string(2, kind)
        var unknown = ProtobufWriter()
        unknown.message(1, typeMeta)
        unknown.message(2, object)
        return KubernetesEnvelope.magic + unknown.bytes
    }

    /// POSTs an object of `kind` holding only its name, in protobuf, where claims are created.
    private static func postClaim(to server: TestServer, asKind kind: String, named name: String) async throws -> (code: Int, body: String, headers: [String: String]) {
        var metadata = ProtobufWriter()
        metadata.string(1, name)
        var object = ProtobufWriter()
        object.message(1, metadata)
        return try await server.raw("POST", "/api/v1/namespaces/default/persistentvolumeclaims",
                                    body: envelope(apiVersion: "v1", kind: kind, object), contentType: "application/vnd.kubernetes.protobuf")
    }

    @Test func aNamespaceSentAsProtobufIsCreatedWithItsLabels() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var label = ProtobufWriter()
        label.string(1, "team")
        label.string(2, "storage")
        var metadata = ProtobufWriter()
        metadata.string(1, "demo")
        metadata.message(11, label)
        var namespace = ProtobufWriter()
        namespace.message(1, metadata)
        let response = try await server.raw("POST", "/api/v1/namespaces", body: Self.envelope(apiVersion: "v1", kind: "Namespace", namespace),
                                            contentType: "application/vnd.kubernetes.protobuf")
        #expect(response.code == 201, "\(response.body)")
        let stored = try await server.cluster.get(Namespace.self, ObjectKey(name: "demo"))
        #expect(stored.metadata.labels == ["team": "storage"])
        #expect(stored.status?.phase == "Active")
    }

    @Test func otherKindsInProtobufAreRefusedWith415NamingWhatIsRead() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let response = try await Self.postClaim(to: server, asKind: "PersistentVolumeClaim", named: "data")
        #expect(response.code == 415)
        #expect(response.body.contains("Stowage reads protobuf bodies only for Namespace"), "\(response.body)")
        #expect(response.body.contains("send PersistentVolumeClaim as application/json or application/yaml"), "\(response.body)")
        #expect(try await server.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data")) == nil)
    }

    /// A body whose envelope names a Namespace but is posted where claims go is refused like a JSON one.
    @Test func aProtobufBodyOfTheWrongKindForThePathIsRefused() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let response = try await Self.postClaim(to: server, asKind: "Namespace", named: "x")
        #expect(response.code == 400)
        #expect(response.body.contains("the kind in the data (Namespace) does not match the expected kind (PersistentVolumeClaim)"), "\(response.body)")
    }

    /// `kubectl drain` deletes pods through its typed client, with DeleteOptions in protobuf.
    @Test func protobufDeleteOptionsCarryDryRunPreconditionsAndGracePeriod() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let claim = try await server.cluster.create(PersistentVolumeClaim(name: "data", request: Quantity(bytes: 1 << 20)))
        let path = "/api/v1/namespaces/default/persistentvolumeclaims/data"
        func delete(_ options: ProtobufWriter) async throws -> (code: Int, body: String, headers: [String: String]) {
            try await server.raw("DELETE", path, body: Self.envelope(apiVersion: "v1", kind: "DeleteOptions", options),
                                 contentType: "application/vnd.kubernetes.protobuf")
        }
        var dryRun = ProtobufWriter()
        dryRun.string(5, "All")
        #expect(try await delete(dryRun).code == 200)
        #expect(try await server.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data")) != nil,
                "dryRun=All left the claim")

        var preconditions = ProtobufWriter()
        preconditions.string(1, "not-its-uid")
        var stale = ProtobufWriter()
        stale.message(2, preconditions)
        let refused = try await delete(stale)
        #expect(refused.code == 409, "\(refused.body)")

        var matching = ProtobufWriter()
        matching.string(1, try #require(claim.metadata.uid))
        var current = ProtobufWriter()
        current.varint(1, 0)  // gracePeriodSeconds: 0
        current.message(2, matching)
        current.string(4, "Background")
        let deleted = try await delete(current)
        #expect(deleted.code == 200, "\(deleted.body)")
        let after = try await server.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data"))
        #expect(after == nil || after?.metadata.deletionTimestamp != nil, "deleted, or waiting on its protection finalizer")
    }

    @Test func orphanDependentsIsReadAndCannotBeCombinedWithAPolicy() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        _ = try await server.cluster.create(PersistentVolumeClaim(name: "data", request: Quantity(bytes: 1 << 20)))
        let both = try await server.raw("DELETE", "/api/v1/namespaces/default/persistentvolumeclaims/data",
                                        body: Array(#"{"kind":"DeleteOptions","apiVersion":"v1","orphanDependents":true,"propagationPolicy":"Foreground"}"#.utf8))
        #expect(both.code == 422)
        #expect(both.body.contains("orphanDependents and deletionPropagation cannot be both set"), "\(both.body)")
        let nullPolicy = try await server.raw("DELETE", "/api/v1/namespaces/default/persistentvolumeclaims/data?dryRun=All",
                                              body: Array(#"{"kind":"DeleteOptions","apiVersion":"v1","orphanDependents":true,"propagationPolicy":null}"#.utf8))
        #expect(nullPolicy.code == 200, "a null propagationPolicy is no policy: \(nullPolicy.body)")
        let inQuery = try await server.raw("DELETE", "/api/v1/namespaces/default/persistentvolumeclaims/data?orphanDependents=false&propagationPolicy=Orphan")
        #expect(inQuery.code == 422, "\(inQuery.body)")
        #expect(inQuery.body.contains("orphanDependents and deletionPropagation cannot be both set"), "\(inQuery.body)")
        let orphan = try await server.raw("DELETE", "/api/v1/namespaces/default/persistentvolumeclaims/data",
                                          body: Array(#"{"kind":"DeleteOptions","apiVersion":"v1","orphanDependents":true}"#.utf8))
        #expect(orphan.code == 200, "\(orphan.body)")
    }
}
