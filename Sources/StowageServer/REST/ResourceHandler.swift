import Foundation
import Hummingbird
import NIOCore
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore

/// Serves every verb of one kind over the admission-checked cluster: the generic half of the REST API.
struct ResourceHandler<T: APIObject>: ResourceEndpoint {
    let server: APIServerContext
    /// Encodings of recently changed objects, shared by this kind's watches.
    let encodings = EncodingCache<T>()
    var resource: APIResource { T.resource }
    var cluster: LocalCluster { server.cluster }

    func handle(_ request: Request, context: APIRequestContext, path: ResourcePath) async throws -> Response {
        if T.resource.namespaced {
            // Only listing and watching may span namespaces.
            if path.namespace == nil, !(path.isCollection && request.method == .get) {
                throw APIError(.notFound, "the server could not find the requested resource")
            }
        } else if path.namespace != nil {
            throw APIError(.notFound, "the server could not find the requested resource")
        }
        let query = QueryParameters(request)
        if path.isCollection {
            switch request.method {
            case .get: return query.flag("watch") ? try await watch(request, path: path, query: query) : try await list(request, path: path, query: query)
            case .post: return try await create(request, context: context, path: path, query: query)
            case .delete: return try await deleteCollection(request, context: context, path: path, query: query)
            default: throw methodNotAllowed(request)
            }
        }
        let key = ObjectKey(namespace: path.namespace, name: path.name ?? "")
        switch path.subresource {
        case nil:
            switch request.method {
            case .get: return try await get(request, key: key, query: query)
            case .put: return try await update(request, context: context, key: key, query: query, status: false)
            case .patch: return try await patch(request, context: context, key: key, query: query, status: false)
            case .delete: return try await delete(request, context: context, key: key, query: query)
            default: throw methodNotAllowed(request)
            }
        case "status" where T.resource.hasStatusSubresource:
            switch request.method {
            case .get: return try await get(request, key: key, query: query)
            case .put: return try await update(request, context: context, key: key, query: query, status: true)
            case .patch: return try await patch(request, context: context, key: key, query: query, status: true)
            default: throw methodNotAllowed(request)
            }
        case "exec" where T.self == Pod.self:
            guard request.method == .get || request.method == .post else { throw methodNotAllowed(request) }
            return try await PodExecSubresource.refuseWithoutUpgrade(request, server: server)
        case "log" where T.self == Pod.self:
            return try await PodLogSubresource(cluster: cluster, podsDirectory: server.podsDirectory, forwarder: server.nodeForwarder)
                .handle(request, key: key, query: query)
        case "scale" where T.self == StatefulSet.self:
            return try await ScaleSubresource(cluster: cluster).handle(request, context: context, key: key, query: query)
        default:
            throw APIError(.notFound, "the server could not find the requested resource")
        }
    }

    private func methodNotAllowed(_ request: Request) -> APIError {
        APIError(.methodNotAllowed, "the server does not allow this method on the requested resource")
    }

    /// The JSON of an object as the API returns it.
    func encoded(_ object: T) throws -> [UInt8] {
        Array(try APICodec.encode(object))
    }
}
