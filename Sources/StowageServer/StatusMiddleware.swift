import Hummingbird
import StowageAPI
import StowageStore

/// Turns every error a route throws into a Kubernetes `Status`: API errors keep their code and reason;
/// Hummingbird's own (no route, body too large) get theirs; anything else is a 500 InternalError, logged.
struct StatusMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(_ request: Request, context: APIRequestContext, next: (Request, APIRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIStatus.response(for: error)
        } catch let error as HTTPError {
            return APIStatus.response(for: Self.apiError(error))
        } catch let error as StoreError {
            context.logger.error("store error on \(request.method) \(request.uri.path): \(error)")
            return APIStatus.response(for: APIError(.internalError, "\(error)"))
        } catch {
            context.logger.error("unexpected error on \(request.method) \(request.uri.path): \(error)")
            return APIStatus.response(for: APIError(.internalError, "Internal error occurred: \(error)"))
        }
    }

    static func apiError(_ error: HTTPError) -> APIError {
        switch error.status.code {
        case 404: return APIError(.notFound, "the server could not find the requested resource")
        case 405: return APIError(.methodNotAllowed, "the server does not allow this method on the requested resource")
        case 413: return APIError(.requestEntityTooLarge, "Request entity too large: limit is 3145728")
        case 400..<500:
            let reason = APIError.Reason.allReasons.first { $0.code == Int(error.status.code) } ?? .badRequest
            return APIError(reason, error.body ?? error.status.reasonPhrase)
        default: return APIError(.internalError, error.body ?? error.status.reasonPhrase)
        }
    }
}

extension APIError.Reason {
    static let allReasons: [APIError.Reason] = [.badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .notAcceptable,
                                                .conflict, .expired, .requestEntityTooLarge, .unsupportedMediaType, .invalid, .tooManyRequests]
}
