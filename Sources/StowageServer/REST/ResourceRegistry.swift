import Hummingbird
import StowageAPI

/// One served resource: answers every request addressed to its paths.
protocol ResourceEndpoint: Sendable {
    var resource: APIResource { get }
    /// Handles a request for this resource; throws ``APIError`` (or Hummingbird errors) for the caller to
    /// turn into a `Status`.
    func handle(_ request: Request, context: APIRequestContext, path: ResourcePath) async throws -> Response
}

/// Maps group, version and plural to the endpoint serving the kind, one generic ``ResourceHandler`` per kind of
/// ``APIKinds/all``.
struct ResourceRegistry: Sendable {
    private let endpoints: [String: any ResourceEndpoint]

    init(_ server: APIServerContext, kinds: [any APIObject.Type] = APIKinds.all) {
        var endpoints: [String: any ResourceEndpoint] = [:]
        for kind in kinds {
            let endpoint = Self.makeEndpoint(kind, server)
            endpoints[Self.key(endpoint.resource.group, endpoint.resource.version, endpoint.resource.plural)] = endpoint
        }
        self.endpoints = endpoints
    }

    /// The endpoint of `plural` in `group`/`version`, or nil.
    func endpoint(group: String, version: String, plural: String) -> (any ResourceEndpoint)? {
        endpoints[Self.key(group, version, plural)]
    }

    private static func makeEndpoint<T: APIObject>(_ type: T.Type, _ server: APIServerContext) -> any ResourceEndpoint {
        ResourceHandler<T>(server: server)
    }

    private static func key(_ group: String, _ version: String, _ plural: String) -> String {
        "\(group)/\(version)/\(plural)"
    }
}
