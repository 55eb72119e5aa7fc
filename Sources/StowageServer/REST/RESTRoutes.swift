import Hummingbird
import StowageAPI

/// The resource verbs (get, list, watch, create, update, patch, delete, deletecollection) and the status and
/// scale subresources, for every kind under `/api/v1/…` and `/apis/{group}/{version}/…`. Every error becomes a
/// Kubernetes `Status`.
enum RESTRoutes {
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        let registry = ResourceRegistry(context)
        let responder: @Sendable (Request, APIRequestContext) async throws -> Response = { request, requestContext in
            guard let path = ResourcePath.parse(request.uri.path),
                  let endpoint = registry.endpoint(group: path.group, version: path.version, plural: path.plural) else {
                throw APIError(.notFound, "the server could not find the requested resource")
            }
            return try await endpoint.handle(request, context: requestContext, path: path)
        }
        for prefix in ["/api/:version/**", "/apis/:group/:version/**"] {
            router.on(RouterPath(prefix), method: .get, use: responder)
            router.on(RouterPath(prefix), method: .post, use: responder)
            router.on(RouterPath(prefix), method: .put, use: responder)
            router.on(RouterPath(prefix), method: .patch, use: responder)
            router.on(RouterPath(prefix), method: .delete, use: responder)
        }
    }
}
