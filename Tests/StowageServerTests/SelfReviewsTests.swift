import Foundation
import Testing
import StowageAPI
import StowageJSON
@testable import StowageServer

/// The self reviews behind `kubectl auth can-i` and `kubectl auth whoami`.
@Suite struct SelfReviewsTests {
    private static let accessReviews = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"

    @Test func anAccessReviewIsAnsweredAllowedWithItsSpecEchoed() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let body = Array(#"{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"namespace":"default","verb":"delete","resource":"persistentvolumeclaims"}}}"#.utf8)
        let response = try await server.raw("POST", Self.accessReviews, body: body)
        #expect(response.code == 201, "\(response.body)")
        let review = try JSONParser.parse(response.body)
        #expect(review["status"]?["allowed"] == .bool(true))
        #expect(review["spec"]?["resourceAttributes"]?["verb"] == .string("delete"))
        #expect(review["kind"] == .string("SelfSubjectAccessReview"))
    }

    /// kubectl's typed clients send the review as Kubernetes protobuf; the answer is JSON, which they read.
    @Test func aProtobufAccessReviewIsReadAndAnsweredAsJSON() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var attributes = ProtobufWriter()
        attributes.string(1, "default")
        attributes.string(2, "create")
        attributes.string(5, "persistentvolumeclaims")
        var spec = ProtobufWriter()
        spec.message(1, attributes)
        var review = ProtobufWriter()
        review.message(2, spec)
        var typeMeta = ProtobufWriter()
        typeMeta.string(1, "authorization.k8s.io/v1")
        typeMeta.string(2, "SelfSubjectAccessReview")
        var unknown = ProtobufWriter()
        unknown.message(1, typeMeta)
        unknown.message(2, review)
        let response = try await server.raw("POST", Self.accessReviews, body: KubernetesEnvelope.magic + unknown.bytes,
                                            contentType: "application/vnd.kubernetes.protobuf")
        #expect(response.code == 201, "\(response.body)")
        #expect(response.headers["content-type"] == "application/json")
        let answer = try JSONParser.parse(response.body)
        #expect(answer["status"]?["allowed"] == .bool(true))
        #expect(answer["spec"]?["resourceAttributes"]?["resource"] == .string("persistentvolumeclaims"))
        #expect(answer["spec"]?["resourceAttributes"]?["namespace"] == .string("default"))

        let garbage = try await server.raw("POST", Self.accessReviews, body: [0x01, 0x02, 0x03], contentType: "application/vnd.kubernetes.protobuf")
        #expect(garbage.code == 400)
        #expect(garbage.body.contains(#"does not start with Kubernetes' \"k8s\\0\" prefix"#), "\(garbage.body)")
    }

    @Test func aReviewWithoutAttributesIsInvalidAndReviewsAreCreateOnly() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let empty = try await server.raw("POST", Self.accessReviews, body: Array(#"{"kind":"SelfSubjectAccessReview","spec":{}}"#.utf8))
        #expect(empty.code == 422)
        #expect(empty.body.contains(#""field":"spec.resourceAttributes""#), "\(empty.body)")
        #expect(empty.body.contains("exactly one of nonResourceAttributes or resourceAttributes must be specified"))
        let null = try await server.raw("POST", Self.accessReviews, body: Array(#"{"spec":{"resourceAttributes":null}}"#.utf8))
        #expect(null.code == 422, "a null attribute set is no attribute set: \(null.body)")
        let wrongKind = try await server.raw("POST", Self.accessReviews, body: Array(#"{"kind":"Pod","spec":{}}"#.utf8))
        #expect(wrongKind.code == 400)
        #expect(wrongKind.body.contains("not a SelfSubjectAccessReview"), "\(wrongKind.body)")
        let get = try await server.raw("GET", Self.accessReviews)
        #expect(get.code == 405)
        #expect(get.body.contains("selfsubjectaccessreviews can only be created"), "\(get.body)")
    }

    @Test func whoAmIOnTheSocketIsTheLocalAdministrator() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let response = try await server.raw("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                                            body: Array(#"{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}"#.utf8))
        #expect(response.code == 201, "\(response.body)")
        let review = try JSONParser.parse(response.body)
        #expect(review["status"]?["userInfo"]?["username"] == .string("stowage:local-socket"))
        #expect(review["status"]?["userInfo"]?["groups"] == .array([.string("system:masters"), .string("system:authenticated")]))
    }

    @Test func discoveryListsTheReviewGroupsAndTheirCreateOnlyResources() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let groups = try JSONParser.parse(try await server.raw("GET", "/apis").body)
        let names = groups["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("authorization.k8s.io") && names.contains("authentication.k8s.io"), "\(names)")
        let list = try JSONParser.parse(try await server.raw("GET", "/apis/authorization.k8s.io/v1").body)
        let resources = list["resources"]?.arrayValue ?? []
        #expect(resources.compactMap { $0["name"]?.stringValue } == ["selfsubjectaccessreviews", "selfsubjectrulesreviews"])
        #expect(resources.allSatisfy { $0["verbs"] == .array([.string("create")]) })
    }
}
