import Foundation
import Testing
import StowageAPI
import StowageJSON
@testable import StowageServer

/// `/openapi/v2`, which kubectl reads to validate the items of a `kind: List` file on the client.
@Suite struct OpenAPIV2Tests {
    @Test func theJSONDocumentDescribesEveryKindAndEveryReferenceResolves() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let response = try await server.rawBytes("GET", "/openapi/v2")
        #expect(response.code == 200)
        #expect(response.headers["content-type"] == "application/json")
        let document = try JSONParser.parse(response.body)
        #expect(document["swagger"] == .string("2.0"))
        let definitions = try #require(document["definitions"]?.objectValue)
        let names = Set(definitions.members.map(\.key))

        for kind in APIKinds.all {
            let gvk = JSONValue.object(JSONObject([
                .init(key: "group", value: .string(kind.resource.group)),
                .init(key: "kind", value: .string(kind.resource.kind)),
                .init(key: "version", value: .string(kind.resource.version)),
            ]))
            let described = definitions.members.contains { $0.value["x-kubernetes-group-version-kind"] == .array([gvk]) }
            #expect(described, "a definition carries the group, version and kind of \(kind.resource.kind)")
        }
        var references: [String] = []
        collectReferences(in: document, into: &references)
        #expect(!references.isEmpty)
        for reference in references {
            #expect(reference.hasPrefix("#/definitions/") && names.contains(String(reference.dropFirst("#/definitions/".count))),
                    "\(reference) names a definition")
        }
        let claim = try #require(definitions.members.first { $0.key == "io.k8s.api.core.v1.PersistentVolumeClaim" }?.value)
        #expect(claim["properties"]?["spec"]?["$ref"] == .string("#/definitions/io.k8s.api.core.v1.PersistentVolumeClaimSpec"))
    }

    /// kubectl asks for gnostic's protobuf `openapi.v2.Document`; it must hold the same definitions, with the
    /// vendor extensions kubectl maps kinds by.
    @Test func theProtobufDocumentCarriesTheSameDefinitions() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let json = try JSONParser.parse(try await server.rawBytes("GET", "/openapi/v2").body)
        let response = try await server.rawBytes("GET", "/openapi/v2", accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
        #expect(response.code == 200)
        #expect(response.headers["content-type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf")

        let document = try ProtobufFields(response.body)
        #expect(document.strings(1) == ["2.0"], "Document.swagger")
        let definitions = try #require(try document.messages(9).first, "Document.definitions")
        var names: [String] = []
        var claimKinds: [String] = []
        for entry in try definitions.messages(1) {
            let name = try #require(entry.strings(1).first)
            names.append(name)
            guard name == "io.k8s.api.core.v1.PersistentVolumeClaim", let schema = try entry.messages(2).first else { continue }
            for extensionEntry in try schema.messages(31) where extensionEntry.strings(1) == ["x-kubernetes-group-version-kind"] {
                claimKinds += try extensionEntry.messages(2).flatMap { try $0.strings(2) }
            }
        }
        #expect(names == json["definitions"]?.objectValue?.members.map(\.key))
        let gvk = try JSONParser.parse(Array(try #require(claimKinds.first).utf8))
        #expect(gvk.arrayValue?.first?["kind"] == .string("PersistentVolumeClaim"))
        #expect(gvk.arrayValue?.first?["version"] == .string("v1"))
    }

    @Test func protobufIsAnsweredOnlyWhenPreferredToJSON() {
        #expect(OpenAPIRoutes.prefersProtobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf"))
        #expect(OpenAPIRoutes.prefersProtobuf("application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json"))
        #expect(!OpenAPIRoutes.prefersProtobuf("application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.5"))
        #expect(!OpenAPIRoutes.prefersProtobuf("*/*"))
        #expect(!OpenAPIRoutes.prefersProtobuf(""))
    }

    private func collectReferences(in value: JSONValue, into references: inout [String]) {
        switch value {
        case .object(let object):
            for member in object.members {
                if member.key == "$ref", case .string(let reference) = member.value { references.append(reference) }
                collectReferences(in: member.value, into: &references)
            }
        case .array(let items):
            for item in items { collectReferences(in: item, into: &references) }
        default:
            break
        }
    }
}
