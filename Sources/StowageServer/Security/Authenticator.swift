import Hummingbird
import NIOCore
import NIOSSL
import StowageAPI
import X509

/// Decides who a TCP request is: a bearer token from the token table, or a client certificate the TLS layer
/// verified against the CA (CN = user, O = groups). Never lets an unauthenticated request through.
public struct Authenticator: Sendable {
    public let tokens: TokenTable

    public init(tokens: TokenTable) { self.tokens = tokens }

    /// The user of a request, or nil when it carries no valid credentials.
    func authenticate(_ request: Request, channel: any Channel) async -> AuthenticatedUser? {
        if let header = request.headers[.authorization] {
            guard header.hasPrefix("Bearer ") else { return nil }
            return tokens.user(for: String(header.dropFirst("Bearer ".count).trimmingHTTPSpaces()))
        }
        // NIOSSL verified a presented certificate against the CA during the handshake (optionalVerification).
        guard let peer = try? await channel.nioSSL_peerCertificate().get(),
              let der = try? peer.toDERBytes(), let certificate = try? Certificate(derEncoded: der) else { return nil }
        let commonNames = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.commonName }
        let organizations = certificate.subject.flatMap { $0 }.filter { $0.type == .RDNAttributeType.organizationName }
        guard let name = commonNames.first.map({ String(describing: $0.value) }), !name.isEmpty else { return nil }
        return AuthenticatedUser(name: name, groups: organizations.map { String(describing: $0.value) })
    }
}

/// Rejects unauthenticated requests with Kubernetes' 401 Status; sets `context.user` otherwise.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let authenticator: Authenticator

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        guard let user = await authenticator.authenticate(request, channel: context.channel) else {
            return APIStatus.response(for: APIError(.unauthorized, "Unauthorized"))
        }
        var context = context
        context.user = user
        return try await next(request, context)
    }
}
