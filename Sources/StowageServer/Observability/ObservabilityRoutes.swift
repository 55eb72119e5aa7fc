import Foundation
import Hummingbird
import NIOCore
import StowageAPI
import StowageClient
import StowageStore

/// `/healthz`, `/livez`, `/readyz` (with `?verbose` listing each check, as Kubernetes does) and `/metrics`, and
/// the middleware that measures every request.
enum ObservabilityRoutes {
    static func addMiddleware(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        router.add(middleware: RequestMetricsMiddleware(metrics: context.metrics))
    }

    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        let store = context.store
        for path in ["/healthz", "/livez"] {
            router.get(RouterPath(path)) { request, _ in
                health([("ping", { true })], verbose: request.uri.queryParameters["verbose"] != nil)
            }
        }
        router.get("/readyz") { request, _ in
            let storeReadable = await (try? store.list(Namespace.self, StoreListOptions(limit: 1))) != nil
            return health([("ping", { true }), ("store", { storeReadable })], verbose: request.uri.queryParameters["verbose"] != nil)
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: context.metrics.exposition(store: store))))
        }
    }

    private static func health(_ checks: [(String, () -> Bool)], verbose: Bool) -> Response {
        let results = checks.map { ($0.0, $0.1()) }
        let healthy = results.allSatisfy(\.1)
        var text: String
        if verbose || !healthy {
            text = results.map { "[\($0.1 ? "+" : "-")]\($0.0) \($0.1 ? "ok" : "failed")" }.joined(separator: "\n") + "\n"
            text += healthy ? "healthz check passed\n" : "healthz check failed\n"
        } else {
            text = "ok"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: healthy ? .ok : .internalServerError, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Records verb, resource, code and duration of every request (a watch's duration is until its headers; the
/// watch streamer counts open watches).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let metrics: APIMetrics

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let (verb, resource) = Self.classify(request)
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            metrics.recordRequest(verb: verb, resource: resource, code: 500, duration: ContinuousClock.now - start)
            throw error
        }
        metrics.recordRequest(verb: verb, resource: resource, code: Int(response.status.code), duration: ContinuousClock.now - start)
        return response
    }

    static let knownPlurals = Set(APIKinds.all.map { $0.resource.plural })

    /// Kubernetes' verb names and the resource (with subresource) of a request.
    static func classify(_ request: Request) -> (verb: String, resource: String) {
        guard let path = ResourcePath.parse(request.uri.path) else { return (request.method.rawValue, "") }
        // Only served resources and subresources become label values, so random paths cannot grow /metrics.
        guard knownPlurals.contains(path.plural) else { return (request.method.rawValue, "unknown") }
        let subresource = path.subresource.flatMap { ["status", "scale"].contains($0) ? $0 : "unknown" }
        let resource = subresource.map { "\(path.plural)/\($0)" } ?? path.plural
        switch request.method {
        case .get where path.isCollection:
            let watch = request.uri.queryParameters["watch"].map { $0 == "1" || $0 == "true" || $0.isEmpty } ?? false
            return (watch ? "WATCH" : "LIST", resource)
        case .get: return ("GET", resource)
        case .post: return ("CREATE", resource)
        case .put: return ("UPDATE", resource)
        case .patch: return ("PATCH", resource)
        case .delete: return (path.isCollection ? "DELETECOLLECTION" : "DELETE", resource)
        default: return (request.method.rawValue, resource)
        }
    }
}
