import Foundation
import Testing
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore
@testable import StowageServer

/// The REST verbs through a real server and the HTTP client, checked by what a user sees: objects, Status
/// codes and reasons, messages.
@Suite struct APIVerbsTests {
    static func claim(_ name: String, labels: [String: String]? = nil, storageClass: String? = nil) -> PersistentVolumeClaim {
        PersistentVolumeClaim(name: name, request: Quantity(bytes: 1 << 30), storageClassName: storageClass, labels: labels)
    }

    @Test func createGetListUpdateDeleteThroughHTTP() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let api = server.client
        var fast = StorageClass(metadata: ObjectMeta(name: "fast", annotations: ["storageclass.kubernetes.io/is-default-class": "true"]))
        fast.provisioner = "hostpath.stowage.dev"
        _ = try await api.create(fast)

        let created = try await api.create(Self.claim("data", labels: ["app": "web"]))
        #expect(created.metadata.finalizers == ["kubernetes.io/pvc-protection"], "pvc-protection added on create")
        #expect(created.spec?.storageClassName == "fast", "the default class is filled in when the class is absent")
        let explicitNone = try await api.create(Self.claim("none", storageClass: ""))
        #expect(explicitNone.spec?.storageClassName == "", "an empty class stays empty")

        #expect(try await api.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data")).metadata.uid == created.metadata.uid)
        let selected = try await api.list(PersistentVolumeClaim.self, ListOptions(namespace: "default", labelSelector: "app=web"))
        #expect(selected.items.map(\.metadata.name) == ["data"])
        #expect(!selected.resourceVersion.isEmpty)

        var changed = created
        changed.metadata.labels = ["app": "db"]
        let updated = try await api.update(changed)
        #expect(updated.metadata.labels == ["app": "db"])
        await #expect { try await api.update(changed) } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.code == 409 && error.reason == .conflict
                && error.message == #"Operation cannot be fulfilled on persistentvolumeclaims "data": the object has been modified; please apply your changes to the latest version and try again"#
        }

        let pending = try await api.delete(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data"))
        guard case .pending(let terminating) = pending else { Issue.record("a protected claim waits for its finalizer"); return }
        #expect(terminating.metadata.deletionTimestamp != nil)
        _ = try await api.patch(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data"),
                                .merge(try JSONParser.parse(#"{"metadata":{"finalizers":null}}"#)))
        await #expect { try await api.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "data")) } throws: { error in
            (error as? APIError)?.reason == .notFound && (error as? APIError)?.message == #"persistentvolumeclaims "data" not found"#
        }
    }

    @Test func invalidObjectsAre422WithFieldPaths() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var claim = Self.claim("bad")
        claim.spec?.accessModes = []
        await #expect { try await server.client.create(claim) } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.code == 422 && error.causes.contains { $0.field.description == "spec.accessModes" }
        }
        let raw = try await server.raw("POST", "/api/v1/namespaces/default/persistentvolumeclaims",
                                       body: Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"x"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gx"}}}}"#.utf8))
        #expect(raw.code == 422 || raw.code == 400)
        #expect(raw.body.contains("\"kind\":\"Status\""))
        #expect(raw.body.contains("1Gx"))
    }

    @Test func malformedAndMisaddressedRequestsGetClear4xxStatuses() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let path = "/api/v1/namespaces/default/persistentvolumeclaims"
        let truncated = try await server.raw("POST", path, body: Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"#.utf8))
        #expect(truncated.code == 400)
        #expect(truncated.body.contains("\"reason\":\"BadRequest\""))
        #expect(truncated.body.contains("line 1"), "the position is named: \(truncated.body)")

        let wrongKind = try await server.raw("POST", path, body: Array(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}"#.utf8))
        #expect(wrongKind.code == 400)
        #expect(wrongKind.body.contains("does not match the expected kind (PersistentVolumeClaim)"))

        let otherNamespace = try await server.raw("POST", path, body: Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"p","namespace":"kube-system"}}"#.utf8))
        #expect(otherNamespace.code == 400)
        #expect(otherNamespace.body.contains("the namespace of the provided object does not match the namespace sent on the request"))

        let huge = try await server.raw("POST", path, body: [UInt8](repeating: UInt8(ascii: " "), count: 3 * 1024 * 1024 + 10))
        #expect(huge.code == 413)
        #expect(huge.body.contains("RequestEntityTooLarge"))

        let unknown = try await server.raw("GET", "/apis/example.com/v1/widgets")
        #expect(unknown.code == 404)
        #expect(unknown.body.contains("\"kind\":\"Status\""))

        let strict = try await server.raw("POST", path + "?fieldValidation=Strict",
                                          body: Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"s"},"spec":{"colour":"blue","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#.utf8))
        #expect(strict.code == 400)
        #expect(strict.body.contains(#"unknown field \"spec.colour\""#))
        let warned = try await server.raw("POST", path,
                                          body: Array(#"{"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"w"},"spec":{"colour":"blue","accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}"#.utf8))
        #expect(warned.code == 201)
        #expect(warned.headers["warning"]?.contains("unknown field") == true)

        let badVersion = try await server.raw("GET", path + "?watch=1&resourceVersion=abc")
        #expect(badVersion.code == 400)
    }

    @Test func threePatchTypesIncludingStrategicMergeOnContainers() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let pod = try JSONParser.parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[
              {"name":"a","image":"busybox","command":["sleep","1"]},{"name":"b","image":"busybox","command":["sleep","2"]}]}}
            """)
        #expect(try await server.raw("POST", "/api/v1/namespaces/default/pods", body: JSONWriter.bytes(pod)).code == 201)
        let item = "/api/v1/namespaces/default/pods/p"
        let strategic = try await server.raw("PATCH", item, body: Array(#"{"spec":{"containers":[{"name":"b","image":"alpine"}]}}"#.utf8),
                                             contentType: "application/strategic-merge-patch+json")
        #expect(strategic.code == 200, "\(strategic.body)")
        let merged = try JSONParser.parse(strategic.body)
        let containers = merged["spec"]?["containers"]?.arrayValue ?? []
        #expect(containers.map { $0["name"]?.stringValue } == ["a", "b"], "containers merge by name")
        #expect(containers.last?["image"]?.stringValue == "alpine")
        // A pod's container list is immutable (as in Kubernetes); a StatefulSet's template is not.
        let set = try JSONParser.parse("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"s"},"spec":{"serviceName":"s",
             "selector":{"matchLabels":{"app":"s"}},"template":{"metadata":{"labels":{"app":"s"}},
             "spec":{"containers":[{"name":"a","image":"busybox"},{"name":"b","image":"busybox"}]}}}}
            """)
        #expect(try await server.raw("POST", "/apis/apps/v1/namespaces/default/statefulsets", body: JSONWriter.bytes(set)).code == 201)
        let deletion = try await server.raw("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/s",
                                            body: Array(#"{"spec":{"template":{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}}}"#.utf8),
                                            contentType: "application/strategic-merge-patch+json")
        #expect(deletion.code == 200, "\(deletion.body)")
        #expect((try JSONParser.parse(deletion.body)["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []).map { $0["name"]?.stringValue } == ["b"])
        let removeContainer = try await server.raw("PATCH", item, body: Array(#"{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}"#.utf8),
                                                   contentType: "application/strategic-merge-patch+json")
        #expect(removeContainer.code == 422, "a pod's containers cannot be removed: \(removeContainer.body)")
        let json = try await server.raw("PATCH", item, body: Array(#"[{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]"#.utf8),
                                        contentType: "application/json-patch+json")
        #expect(try JSONParser.parse(json.body)["metadata"]?["labels"]?["x"]?.stringValue == "y")
        let failedTest = try await server.raw("PATCH", item, body: Array(#"[{"op":"test","path":"/metadata/name","value":"q"}]"#.utf8),
                                              contentType: "application/json-patch+json")
        #expect((400..<500).contains(failedTest.code))
        let apply = try await server.raw("PATCH", item, body: Array("metadata: {}".utf8), contentType: "application/apply-patch+yaml")
        #expect(apply.code == 415)
    }

    @Test func tablesCarryKubectlColumns() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        _ = try await server.client.create(Self.claim("data", storageClass: "fast"))
        let table = try await server.raw("GET", "/api/v1/namespaces/default/persistentvolumeclaims",
                                         accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        let value = try JSONParser.parse(table.body)
        #expect(value["kind"]?.stringValue == "Table")
        let names = (value["columnDefinitions"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue?.uppercased() }
        #expect(names == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "VOLUMEMODE", "AGE"])
        let cells = value["rows"]?.arrayValue?.first?["cells"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(cells.prefix(2) == ["data", "Pending"])
        #expect(value["rows"]?.arrayValue?.first?["object"]?["kind"]?.stringValue == "PartialObjectMetadata")
    }

    @Test func scaleSubresourceChangesReplicas() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let set = try JSONParser.parse("""
            {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"serviceName":"nginx","replicas":1,
             "selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}
            """)
        #expect(try await server.raw("POST", "/apis/apps/v1/namespaces/default/statefulsets", body: JSONWriter.bytes(set)).code == 201)
        let scale = "/apis/apps/v1/namespaces/default/statefulsets/web/scale"
        let current = try JSONParser.parse(try await server.raw("GET", scale).body)
        #expect(current["kind"]?.stringValue == "Scale")
        #expect(current["status"]?["selector"]?.stringValue == "app=nginx")
        let patched = try await server.raw("PATCH", scale, body: Array(#"{"spec":{"replicas":3}}"#.utf8), contentType: "application/merge-patch+json")
        #expect(patched.code == 200)
        #expect(try await server.client.get(StatefulSet.self, ObjectKey(namespace: "default", name: "web")).spec?.replicas == 3)
    }
}
