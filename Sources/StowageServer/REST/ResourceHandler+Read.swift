import Foundation
import Hummingbird
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore

extension ResourceHandler {
    func get(_ request: Request, key: ObjectKey, query: QueryParameters) async throws -> Response {
        let object = try await cluster.get(T.self, key)
        let negotiation = ContentNegotiation(request, query: query)
        if negotiation.table {
            return RESTResponse.json(try TableRenderer.table(for: [object], resourceVersion: object.metadata.resourceVersion ?? "", include: negotiation.includeObject))
        }
        return RESTResponse.json(try encoded(object))
    }

    func list(_ request: Request, path: ResourcePath, query: QueryParameters) async throws -> Response {
        let page = try await cluster.list(T.self, try query.listOptions(namespace: path.namespace))
        let negotiation = ContentNegotiation(request, query: query)
        if negotiation.table {
            var table = try TableRenderer.table(for: page.items, resourceVersion: page.resourceVersion, include: negotiation.includeObject)
            if let token = page.continueToken, case .object(var members) = table, case .object(var metadata)? = members["metadata"] {
                metadata["continue"] = .string(token)
                members["metadata"] = .object(metadata)
                table = .object(members)
            }
            return RESTResponse.json(table)
        }
        let items = try page.items.map { try APICodec.encode($0) }
        return RESTResponse.json(RESTResponse.listBytes(T.resource, items: items, resourceVersion: page.resourceVersion,
                                                        continueToken: page.continueToken, remainingItemCount: page.remainingItemCount))
    }

    func watch(_ request: Request, path: ResourcePath, query: QueryParameters) async throws -> Response {
        let negotiation = ContentNegotiation(request, query: query)
        let options = WatchOptions(namespace: path.namespace, labelSelector: query["labelSelector"], fieldSelector: query["fieldSelector"],
                                   resourceVersion: try query.resourceVersion())
        let timeout = try query.integer("timeoutSeconds")
        // Selectors are checked before the response starts, so a bad one is a 400, not a broken stream.
        _ = try await cluster.list(T.self, ListOptions(namespace: path.namespace, labelSelector: options.labelSelector,
                                                       fieldSelector: options.fieldSelector, limit: 1))
        let streamer = WatchStreamer<T>(cluster: cluster, options: options, table: negotiation.table, include: negotiation.includeObject,
                                        bookmarks: query.flag("allowWatchBookmarks"), timeoutSeconds: timeout, metrics: server.metrics, encodings: encodings)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.transferEncoding] = "chunked"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await streamer.run(&writer, request: request)
            try await writer.finish(nil)
        })
    }
}
