import Hummingbird
import Logging
import StowageClient
import StowageStore

/// Everything the API routes need.
public struct APIServerContext: Sendable {
    /// The admission-checked cluster the REST verbs act on.
    public var cluster: LocalCluster
    /// The store underneath, for health checks and metrics.
    public var store: Store { cluster.store }
    /// Authentication for TCP listeners; nil means "trusted local socket, no authentication".
    public var authenticator: Authenticator?
    public var logger: Logger
    /// Request and watch metrics, shared by every listener of one server.
    public var metrics: APIMetrics
    /// Where this box's node agent keeps its pods (`<state-dir>/pods`), for `pods/log`; nil when none runs here.
    public var podsDirectory: String?
    /// How `pods/exec` runs a command in a container on this box; nil when no node agent runs here.
    public var containerCommand: ContainerCommandLauncher?
    /// Reaches the node endpoints of other machines for the logs of their pods; nil when there is none to use.
    public var nodeForwarder: NodeForwarder?

    public init(cluster: LocalCluster, authenticator: Authenticator? = nil, logger: Logger = Logger(label: "stowage.api"),
                metrics: APIMetrics = APIMetrics(), podsDirectory: String? = nil, containerCommand: ContainerCommandLauncher? = nil) {
        self.cluster = cluster
        self.podsDirectory = podsDirectory
        self.containerCommand = containerCommand
        self.authenticator = authenticator
        self.logger = logger
        self.metrics = metrics
    }
}

/// Builds the router serving the Kubernetes API: metrics and authentication middleware first, then health,
/// discovery and OpenAPI, then the resource routes.
public enum APIRouter {
    public static func make(_ context: APIServerContext) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        ObservabilityRoutes.addMiddleware(to: router, context)
        router.add(middleware: StatusMiddleware())
        if let authenticator = context.authenticator {
            router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        }
        ObservabilityRoutes.addRoutes(to: router, context)
        DiscoveryRoutes.addRoutes(to: router, context)
        RESTRoutes.addRoutes(to: router, context)
        return router
    }

    /// The router a WebSocket upgrade request is offered to first (authentication, then `pods/exec`); a request it
    /// does not upgrade goes on to the router of ``make(_:)``, which answers it.
    public static func makeWebSocket(_ context: APIServerContext) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        if let authenticator = context.authenticator {
            router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
        }
        PodExecSubresource.addWebSocketRoute(to: router, PodExecSubresource.Backend(context))
        return router
    }
}
