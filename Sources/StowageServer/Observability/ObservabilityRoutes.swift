import Hummingbird

/// `/healthz`, `/livez`, `/readyz`, `/metrics`, and the request-metrics middleware.
enum ObservabilityRoutes {
    static func addMiddleware(to router: Router<APIRequestContext>, _ context: APIServerContext) {}
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {}
}
