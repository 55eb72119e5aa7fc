import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import StowageAPI
import StowageJSON
import StowageStore

/// `Cluster` over the Kubernetes REST API of a Stowage (or Kubernetes) server, through the local Unix socket or
/// HTTPS with a bearer token or a client certificate. Watches stream; errors are the server's `Status` as
/// `APIError`.
///
/// ```swift
/// let cluster = try HTTPCluster(endpoint: Kubeconfig.endpoint(path: "/var/lib/stowage/kubeconfig"))
/// let claims = try await cluster.listAll(PersistentVolumeClaim.self, namespace: "default")
/// try await cluster.shutdown()
/// ```
public final class HTTPCluster: Cluster {
    /// Where this client connects.
    public let endpoint: HTTPClusterEndpoint
    private let client: HTTPClient
    private let baseURL: String
    private let authorization: String?
    /// How long a non-watch request may take.
    public let requestTimeout: TimeAmount

    /// Sets up a connection pool for `endpoint`. Call `shutdown()` when done.
    /// `maximumConnections` bounds the keep-alive pool (each open watch holds one connection).
    public init(endpoint: HTTPClusterEndpoint, requestTimeout: TimeAmount = .seconds(60), maximumConnections: Int = 64) throws {
        self.endpoint = endpoint
        self.requestTimeout = requestTimeout
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maximumConnections)
        // No tracing: without a tracer bootstrapped the client still gets the no-op one, for which it parses
        // each request's URL into span attributes (6% of a client's CPU when creating claims in a loop).
        configuration.tracing.tracer = nil
        switch endpoint.address {
        case .unixSocket(let path):
            let host = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? path
            baseURL = "http+unix://\(host)"
            authorization = nil
        case .https(let host, let port):
            baseURL = "https://\(host.contains(":") ? "[\(host)]" : host):\(port)"
            let tls = try endpoint.tlsConfiguration()
            authorization = endpoint.authorizationHeader
            configuration.tlsConfiguration = tls
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes every connection; in-flight requests fail.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    // MARK: Cluster

    public func get<T: APIObject>(_ type: T.Type, _ key: ObjectKey) async throws -> T {
        let body = try await send(.GET, ResourcePath(resource: T.resource).object(key))
        return try decodeObject(T.self, body)
    }

    public func list<T: APIObject>(_ type: T.Type, _ options: ListOptions) async throws -> ObjectList<T> {
        let path = ResourcePath(resource: T.resource).collection(namespace: options.namespace) + queryString([
            ("labelSelector", options.labelSelector), ("fieldSelector", options.fieldSelector),
            ("limit", options.limit.map(String.init)), ("continue", options.continueToken),
        ])
        let body = try await send(.GET, path)
        let list: WireList<T>
        do {
            list = try body.withUnsafeBytes { try JSONTreeDecoder().decode(WireList<T>.self, from: $0) }
        } catch {
            throw APIError(.internalError, "the server's \(T.resource.kind)List cannot be decoded: \(error)")
        }
        return ObjectList(items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "",
                          continueToken: list.metadata?.continue.flatMap { $0.isEmpty ? nil : $0 },
                          remainingItemCount: list.metadata?.remainingItemCount)
    }

    public func watch<T: APIObject>(_ type: T.Type, _ options: WatchOptions) async throws -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let path = ResourcePath(resource: T.resource).collection(namespace: options.namespace) + queryString([
            ("watch", "true"), ("allowWatchBookmarks", "true"),
            ("labelSelector", options.labelSelector), ("fieldSelector", options.fieldSelector),
            ("resourceVersion", options.resourceVersion),
        ])
        let response = try await client.execute(request(.GET, path), deadline: .distantFuture)
        guard response.status.code < 300 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw StatusDecoding.error(code: Int(response.status.code), body: Array(buffer: body))
        }
        return WatchStream.events(T.self, from: response.body)
    }

    /// A watch's event lines as the server sent them (one JSON event each), without decoding: for benchmarks
    /// and tools that need only a field or two.
    public func watchLines<T: APIObject>(_ type: T.Type, _ options: WatchOptions) async throws -> AsyncThrowingStream<[UInt8], any Error> {
        let path = ResourcePath(resource: T.resource).collection(namespace: options.namespace) + queryString([
            ("watch", "true"), ("labelSelector", options.labelSelector), ("fieldSelector", options.fieldSelector),
            ("resourceVersion", options.resourceVersion),
        ])
        let response = try await client.execute(request(.GET, path), deadline: .distantFuture)
        guard response.status.code < 300 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw StatusDecoding.error(code: Int(response.status.code), body: Array(buffer: body))
        }
        return WatchStream.lines(from: response.body)
    }

    public func create<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
        let path = ResourcePath(resource: T.resource).collection(namespace: T.resource.namespaced ? (key.namespace ?? "default") : nil)
        let body = try await send(.POST, path + writeQuery(options), body: try APICodec.encode(object))
        return try decodeObject(T.self, body)
    }

    public func update<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
        let body = try await send(.PUT, ResourcePath(resource: T.resource).object(key) + writeQuery(options), body: try APICodec.encode(object))
        return try decodeObject(T.self, body)
    }

    public func updateStatus<T: APIObject>(_ object: T, options: WriteOptions) async throws -> T {
        let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
        let path = ResourcePath(resource: T.resource).object(key, subresource: "status") + writeQuery(options)
        let body = try await send(.PUT, path, body: try APICodec.encode(object))
        return try decodeObject(T.self, body)
    }

    public func patch<T: APIObject>(_ type: T.Type, _ key: ObjectKey, _ patch: Patch, options: WriteOptions) async throws -> T {
        let body = try await send(.PATCH, ResourcePath(resource: T.resource).object(key) + writeQuery(options),
                                  body: Data(JSONWriter.bytes(patch.body)), contentType: patch.contentType)
        return try decodeObject(T.self, body)
    }

    public func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, options: DeleteOptions) async throws -> DeleteOutcome<T> {
        let body = try await send(.DELETE, ResourcePath(resource: T.resource).object(key), body: Data(JSONWriter.bytes(options.wireForm)))
        // Kubernetes answers with the object; it still exists (finalizers pending) when deletionTimestamp is set
        // and the object is still readable.
        let object = try decodeObject(T.self, body)
        if object.metadata.deletionTimestamp != nil, !(object.metadata.finalizers ?? []).isEmpty {
            return .pending(object)
        }
        return .deleted(object)
    }

    /// The server's `/version` document (`gitVersion`, `major`, `minor`, `platform`).
    public func serverVersion() async throws -> JSONValue {
        try await getJSON("/version")
    }

    /// GETs any API path and parses its JSON (discovery documents, `/healthz` is not JSON).
    public func getJSON(_ path: String) async throws -> JSONValue {
        let body = try await send(.GET, path)
        do {
            return try JSONParser.parse(body)
        } catch {
            throw APIError(.internalError, "the server's answer to \(path) is not JSON: \(error)")
        }
    }

    /// A pod's container log (`pods/{name}/log`), handed to `output` chunk by chunk as it arrives; with
    /// `follow` it returns when the server ends the stream (the container's run is over, the pod is gone).
    /// - Throws: the server's `Status` as `APIError` (an unknown container, no previous run).
    public func podLog(_ key: ObjectKey, container: String?, follow: Bool, previous: Bool, tailLines: Int?,
                       output: ([UInt8]) throws -> Void) async throws {
        let path = ResourcePath(resource: Pod.resource).object(key, subresource: "log") + queryString([
            ("container", container), ("follow", follow ? "true" : nil), ("previous", previous ? "true" : nil),
            ("tailLines", tailLines.map(String.init)),
        ])
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request(.GET, path), deadline: .distantFuture)
        } catch {
            throw ClusterConnectionError("cannot reach the Stowage server at \(endpoint.displayName): \(error)")
        }
        guard response.status.code < 300 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw StatusDecoding.error(code: Int(response.status.code), body: Array(buffer: body))
        }
        for try await chunk in response.body { try output(Array(buffer: chunk)) }
    }

    // MARK: Transport

    private func request(_ method: HTTPMethod, _ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "stowage")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        return request
    }

    /// Sends a request and returns the body of a 2xx answer; throws the `Status` of any other as `APIError`.
    private func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, contentType: String = "application/json") async throws -> [UInt8] {
        var request = request(method, path)
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: requestTimeout)
        } catch let error as APIError {
            throw error
        } catch {
            throw ClusterConnectionError("cannot reach the Stowage server at \(endpoint.displayName): \(error)")
        }
        let bytes = Array(buffer: try await response.body.collect(upTo: 256 << 20))
        guard response.status.code < 300 else {
            throw StatusDecoding.error(code: Int(response.status.code), body: bytes)
        }
        return bytes
    }

    private func writeQuery(_ options: WriteOptions) -> String {
        queryString([("dryRun", options.dryRun ? "All" : nil), ("fieldValidation", options.fieldValidation.rawValue)])
    }

    private func decodeObject<T: APIObject>(_ type: T.Type, _ bytes: [UInt8]) throws -> T {
        do {
            return try bytes.withUnsafeBytes { try JSONTreeDecoder().decode(T.self, from: $0) }
        } catch {
            throw APIError(.internalError, "the server's \(T.resource.kind) cannot be decoded: \(error)")
        }
    }
}

/// A list response: its items and list metadata.
struct WireList<T: APIObject>: Decodable {
    struct Metadata: Decodable {
        var resourceVersion: String?
        var `continue`: String?
        var remainingItemCount: Int?
    }
    var metadata: Metadata?
    var items: [T]?
}

extension DeleteOptions {
    /// The `DeleteOptions` body Kubernetes expects.
    var wireForm: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "kind", value: .string("DeleteOptions")), .init(key: "apiVersion", value: .string("v1")),
        ]
        if let propagationPolicy { members.append(.init(key: "propagationPolicy", value: .string(propagationPolicy))) }
        if dryRun { members.append(.init(key: "dryRun", value: .array([.string("All")]))) }
        var preconditions: [JSONObject.Member] = []
        if let preconditionUID { preconditions.append(.init(key: "uid", value: .string(preconditionUID))) }
        if let preconditionResourceVersion { preconditions.append(.init(key: "resourceVersion", value: .string(preconditionResourceVersion))) }
        if !preconditions.isEmpty { members.append(.init(key: "preconditions", value: .object(JSONObject(preconditions)))) }
        return .object(JSONObject(members))
    }
}
