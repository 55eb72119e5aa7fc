import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// Who made a request, once authentication has run.
public struct AuthenticatedUser: Sendable, Equatable {
    /// The user name (`admin`, a tokens-file user, or a client certificate's common name).
    public var name: String
    /// Groups (`system:masters` for the admin; a certificate's organizations).
    public var groups: [String]
    public init(name: String, groups: [String] = []) {
        self.name = name
        self.groups = groups
    }
}

/// The per-request context of every API route: Hummingbird's core storage, the caller's channel (for the TLS
/// peer certificate) and the authenticated user.
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request came in on; the TLS handler in its pipeline holds the peer certificate.
    public let channel: any Channel
    /// Set by the authentication middleware; nil on the local Unix socket (trusted by file mode 0600).
    public var user: AuthenticatedUser?
    /// The WebSocket handler of an upgraded request (`pods/exec`).
    public let webSocket = WebSocketHandlerReference<APIRequestContext>()

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.user = nil
    }

    /// Kubernetes refuses request bodies over 3 MiB (413 RequestEntityTooLarge); so does Stowage.
    public var maxUploadSize: Int { 3 * 1024 * 1024 }
}
