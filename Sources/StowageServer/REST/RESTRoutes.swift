import Hummingbird
import StowageAPI

/// The resource verbs (get, list, watch, create, update, patch, delete, deletecollection) and the status and
/// scale subresources, for every kind under `/api/v1/…` and `/apis/{group}/{version}/…`, and the create-only
/// self reviews of `kubectl auth`. Every error becomes a Kubernetes `Status`.
enum RESTRoutes {
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        let registry = ResourceRegistry(context)
        let responder: @Sendable (Request, APIRequestContext) async throws -> Response = { request, requestContext in
            guard let path = ResourcePath.parse(request.uri.path) else {
                throw APIError(.notFound, "the server could not find the requested resource")
            }
            if let endpoint = registry.endpoint(group: path.group, version: path.version, plural: path.plural) {
                return try await endpoint.handle(request, context: requestContext, path: path)
            }
            if let review = SelfReviews.review(group: path.group, version: path.version, plural: path.plural),
               path.namespace == nil, path.isCollection, path.subresource == nil {
                guard request.method == .post else {
                    throw APIError(.methodNotAllowed, "the server does not allow this method on the requested resource: \(review.plural) can only be created")
                }
                return try await SelfReviews.handle(review, request, context: requestContext)
            }
            throw APIError(.notFound, "the server could not find the requested resource")
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
