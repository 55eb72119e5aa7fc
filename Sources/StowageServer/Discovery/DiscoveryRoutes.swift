import Hummingbird

/// `/version`, `/api`, `/apis`, per group-version resource lists, and `/openapi/v3`.
enum DiscoveryRoutes {
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        // Filled in by the discovery work (issue 3).
    }
}
