import Hummingbird
import NIOCore
import StowageAPI
import StowageJSON

/// `/version`, `/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`, the OpenAPI v3 and v2 documents, and the
/// self-review APIs of `kubectl auth`. kubectl's
/// request for aggregated discovery gets the legacy documents as plain JSON, which it then uses.
enum DiscoveryRoutes {
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        router.get("/version") { _, _ in json(DiscoveryDocuments.version()) }
        router.get("/api") { _, _ in json(DiscoveryDocuments.coreVersions()) }
        router.get("/apis") { _, _ in json(DiscoveryDocuments.groupList()) }
        router.get("/api/v1") { _, _ in json(DiscoveryDocuments.resourceList(group: "", version: "v1")!) }
        router.get("/apis/:group") { _, context in
            let name = context.parameters.get("group") ?? ""
            let reviewGroup = SelfReviews.groups.contains(name) ? (group: name, version: SelfReviews.version) : nil
            guard let entry = DiscoveryDocuments.groups().first(where: { $0.group == name }) ?? reviewGroup else { return notFound() }
            var document = DiscoveryDocuments.group(entry.group, entry.version)
            if case .object(var members) = document {
                members["kind"] = .string("APIGroup")
                members["apiVersion"] = .string("v1")
                document = .object(members)
            }
            return json(document)
        }
        router.get("/apis/:group/:version") { _, context in
            let group = context.parameters.get("group") ?? "", version = context.parameters.get("version") ?? ""
            guard let list = DiscoveryDocuments.resourceList(group: group, version: version)
                    ?? SelfReviews.resourceList(group: group, version: version) else { return notFound() }
            return json(list)
        }
        OpenAPIRoutes.addRoutes(to: router)
    }

    static func json(_ value: JSONValue) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(value))))
    }

    static func notFound() -> Response {
        APIStatus.response(for: APIError(.notFound, "the server could not find the requested resource"))
    }
}
