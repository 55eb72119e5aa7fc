import Crypto
import Foundation
import StowageAPI
import StowageJSON
import Hummingbird
import NIOCore

/// The OpenAPI v3 documents: `/openapi/v3` (the index) and one document per group version with the paths of
/// every served resource (write operations declare `fieldValidation`, so kubectl validates on the server) and
/// the schemas of its kinds.
enum OpenAPIDocuments {
    static let definitions: [SchemaDefinition] = MetaSchemas.definitions + StorageSchemas.definitions + OtherSchemas.definitions

    /// The group versions served, as OpenAPI path keys (`api/v1`, `apis/apps/v1`).
    static var groupVersionPaths: [String] {
        ["api/v1"] + DiscoveryDocuments.groups().map { "apis/\($0.group)/\($0.version)" }
    }

    /// Documents are built once; their hashes go into the index so clients cache them.
    static let documents: [String: [UInt8]] = {
        var result: [String: [UInt8]] = [:]
        for path in groupVersionPaths { result[path] = JSONWriter.bytes(document(for: path)) }
        return result
    }()

    static func index() -> JSONValue {
        let paths = groupVersionPaths.map { path -> (String, JSONValue) in
            let hash = SHA256.hash(data: documents[path] ?? []).prefix(16).map { String(format: "%02X", $0) }.joined()
            return (path, DiscoveryDocuments.object([("serverRelativeURL", .string("/openapi/v3/\(path)?hash=\(hash)"))]))
        }
        return DiscoveryDocuments.object([("paths", DiscoveryDocuments.object(paths))])
    }

    static func document(for path: String) -> JSONValue {
        let (group, version): (String, String) = path == "api/v1" ? ("", "v1") : {
            let parts = path.split(separator: "/").map(String.init)
            return (parts[1], parts[2])
        }()
        let kinds = APIKinds.all.filter { $0.resource.group == group && $0.resource.version == version }
        var paths: [(String, JSONValue)] = []
        for kind in kinds { paths += OpenAPIPaths.paths(for: kind.resource) }
        var schemas: [(String, JSONValue)] = definitions.map { definition in
            (definition.qualifiedName, SchemaRenderer.render(definition, qualify: qualify))
        }
        schemas.append(("io.k8s.apimachinery.pkg.api.resource.Quantity", DiscoveryDocuments.object([
            ("description", .string("A size or amount written as a number with an optional suffix: 1Gi, 500Mi, 2G, 100k, 1.5.")),
            ("type", .string("string")),
        ])))
        schemas.append(("io.k8s.apimachinery.pkg.apis.meta.v1.Time", DiscoveryDocuments.object([
            ("description", .string("A UTC time in RFC 3339 form, to the second.")), ("type", .string("string")), ("format", .string("date-time")),
        ])))
        return DiscoveryDocuments.object([
            ("openapi", .string("3.0.0")),
            ("info", DiscoveryDocuments.object([("title", .string("Stowage")), ("version", .string("v1.\(DiscoveryDocuments.kubernetesMinor).0"))])),
            ("paths", DiscoveryDocuments.object(paths)),
            ("components", DiscoveryDocuments.object([("schemas", DiscoveryDocuments.object(schemas))])),
        ])
    }

    /// The qualified schema name of a short definition name.
    static func qualify(_ name: String) -> String {
        definitions.first { $0.name == name }?.qualifiedName ?? name
    }
}

/// The REST paths of one resource with their operations.
enum OpenAPIPaths {
    static func paths(for resource: APIResource) -> [(String, JSONValue)] {
        let base = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        let scope = resource.namespaced ? "/namespaces/{namespace}" : ""
        let collection = "\(base)\(scope)/\(resource.plural)"
        let item = collection + "/{name}"
        let schema = "#/components/schemas/" + OpenAPIDocuments.qualify(resource.kind)
        var result: [(String, JSONValue)] = [
            (collection, DiscoveryDocuments.object([
                ("get", operation(resource, action: "list", schema: nil, parameters: ["labelSelector", "fieldSelector", "limit", "continue", "watch", "resourceVersion"])),
                ("post", operation(resource, action: "post", schema: schema, parameters: ["dryRun", "fieldManager", "fieldValidation"])),
                ("delete", operation(resource, action: "deletecollection", schema: nil, parameters: ["labelSelector", "fieldSelector", "dryRun"])),
            ])),
            (item, DiscoveryDocuments.object([
                ("get", operation(resource, action: "get", schema: nil, parameters: [])),
                ("put", operation(resource, action: "put", schema: schema, parameters: ["dryRun", "fieldManager", "fieldValidation"])),
                ("patch", operation(resource, action: "patch", schema: nil, parameters: ["dryRun", "fieldManager", "fieldValidation", "force"])),
                ("delete", operation(resource, action: "delete", schema: nil, parameters: ["dryRun", "gracePeriodSeconds", "propagationPolicy"])),
            ])),
        ]
        if resource.hasStatusSubresource {
            result.append((item + "/status", DiscoveryDocuments.object([
                ("get", operation(resource, action: "get", schema: nil, parameters: [])),
                ("put", operation(resource, action: "put", schema: schema, parameters: ["dryRun", "fieldManager", "fieldValidation"])),
                ("patch", operation(resource, action: "patch", schema: nil, parameters: ["dryRun", "fieldManager", "fieldValidation", "force"])),
            ])))
        }
        return result
    }

    private static func operation(_ resource: APIResource, action: String, schema: String?, parameters: [String]) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("operationId", .string("\(action)\(resource.kind)")),
            ("parameters", .array(parameters.map { name in
                DiscoveryDocuments.object([("name", .string(name)), ("in", .string("query")),
                                           ("schema", DiscoveryDocuments.object([("type", .string(name == "limit" || name == "gracePeriodSeconds" ? "integer" : (name == "watch" || name == "force" ? "boolean" : "string")))]))])
            })),
            ("responses", DiscoveryDocuments.object([("200", DiscoveryDocuments.object([("description", .string("OK"))]))])),
            ("x-kubernetes-action", .string(action)),
            ("x-kubernetes-group-version-kind", SchemaRenderer.gvk(resource)),
        ]
        if let schema {
            members.append(("requestBody", DiscoveryDocuments.object([("content", DiscoveryDocuments.object([
                ("*/*", DiscoveryDocuments.object([("schema", DiscoveryDocuments.object([("$ref", .string(schema))]))])),
            ]))])))
        }
        return DiscoveryDocuments.object(members)
    }
}

/// Serves the OpenAPI documents.
enum OpenAPIRoutes {
    /// The media type of the v2 document as protobuf. kubectl asks for `…spec.v2@v1.0+protobuf`, but Go's
    /// media-type parser rejects the `@` in a response's Content-Type, so it is answered as Kubernetes does.
    static let protobufV2 = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    /// Whether an Accept header lists the v2 protobuf before any JSON (or `*/*`), as kubectl's does.
    static func prefersProtobuf(_ accept: String) -> Bool {
        for entry in accept.split(separator: ",") {
            let type = entry.split(separator: ";").first.map { $0.trimmingHTTPSpaces().lowercased() } ?? ""
            if type.hasPrefix("application/com.github.proto-openapi.spec.v2") { return true }
            if type == "application/json" || type == "*/*" || type == "application/*" { return false }
        }
        return false
    }

    static func addRoutes(to router: Router<APIRequestContext>) {
        router.get("/openapi/v2") { request, _ in
            let protobuf = prefersProtobuf(request.headers[.accept] ?? "")
            var headers = HTTPFields()
            headers[.contentType] = protobuf ? protobufV2 : "application/json"
            return Response(status: .ok, headers: headers,
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: protobuf ? OpenAPIV2.protobuf : OpenAPIV2.json)))
        }
        router.get("/openapi/v3") { _, _ in DiscoveryRoutes.json(OpenAPIDocuments.index()) }
        router.get("/openapi/v3/**") { request, _ in
            let path = String(request.uri.path.dropFirst("/openapi/v3/".count))
            guard let bytes = OpenAPIDocuments.documents[path] else { return DiscoveryRoutes.notFound() }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
