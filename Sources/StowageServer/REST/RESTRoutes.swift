import Hummingbird

/// The resource verbs (get, list, watch, create, update, patch, delete, deletecollection) and subresources.
enum RESTRoutes {
    static func addRoutes(to router: Router<APIRequestContext>, _ context: APIServerContext) {
        // Filled in by the REST work (issue 3).
    }
}
