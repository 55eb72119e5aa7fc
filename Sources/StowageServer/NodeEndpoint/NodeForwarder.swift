import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import StowageAPI
import StowageClient

/// Sends the API server's `pods/log` and `pods/exec` requests for pods on other machines to their node's endpoint,
/// and carries the answer back: the server authenticates with its client certificate (signed by the cluster CA,
/// which the node requires) and accepts only the serving certificate the Node's annotation names.
public struct NodeForwarder: Sendable {
    let cluster: any Cluster
    let clientCertificatePEM: String
    let clientKeyPEM: String

    public init(cluster: any Cluster, clientCertificatePEM: String, clientKeyPEM: String) {
        self.cluster = cluster
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// Where to forward `pod`'s requests: its node's endpoint, when the pod is not on this box (no directory of its
    /// own under `podsDirectory`) and the node publishes one; else nil.
    func remoteNode(of pod: Pod, podsDirectory: String?) async -> NodeEndpoint? {
        guard let node = pod.spec?.nodeName, !node.isEmpty else { return nil }
        if let podsDirectory, let uid = pod.metadata.uid, !uid.isEmpty,
           FileManager.default.fileExists(atPath: "\(podsDirectory)/\(uid)") { return nil }
        guard let annotations = try? await cluster.getIfPresent(Node.self, ObjectKey(name: node))?.metadata.annotations,
              let url = annotations[NodeEndpointAnnotations.url],
              let certificateAuthorityPEM = annotations[NodeEndpointAnnotations.certificateAuthority]
        else { return nil }
        return NodeEndpoint(node: node, url: url, certificateAuthorityPEM: certificateAuthorityPEM)
    }

    /// The TLS configuration that reaches `endpoint`: its CA trusted, this server's certificate presented.
    private func tlsConfiguration(for endpoint: NodeEndpoint) throws -> TLSConfiguration {
        do {
            var client = try HTTPClusterEndpoint.parse(endpoint.url)
            client.certificateAuthorityPEM = endpoint.certificateAuthorityPEM
            client.credentials = .clientCertificate(certificatePEM: clientCertificatePEM, keyPEM: clientKeyPEM)
            return try client.tlsConfiguration()
        } catch {
            throw APIError(.serviceUnavailable, "node \(endpoint.node): its endpoint (annotations \(NodeEndpointAnnotations.url), \(NodeEndpointAnnotations.certificateAuthority)) cannot be used: \(error)")
        }
    }

    /// Forwards `request` (its path and query) to `node`'s endpoint; the node's status, content type and body are the
    /// answer. A node that cannot be reached is a `ServiceUnavailable` error naming it.
    func forward(_ request: Request, to endpoint: NodeEndpoint) async throws -> Response {
        let tls = try tlsConfiguration(for: endpoint)
        let (node, base) = (endpoint.node, endpoint.url)
        let query = request.uri.query.map { "?\($0)" } ?? ""
        var outgoing = HTTPClientRequest(url: base + request.uri.path + query)
        outgoing.method = .GET
        outgoing.tlsConfiguration = tls
        let response: HTTPClientResponse
        do {
            // The deadline covers the whole exchange, so a followed log may stay open a day.
            response = try await HTTPClient.shared.execute(outgoing, deadline: .now() + .hours(24))
        } catch {
            throw APIError(.serviceUnavailable, "node \(node) at \(base) did not answer: \(error)")
        }
        var headers = HTTPFields()
        headers[.contentType] = response.headers.first(name: "content-type") ?? "text/plain"
        let body = response.body
        return Response(status: .init(code: Int(response.status.code)), headers: headers, body: ResponseBody { writer in
            for try await chunk in body { try await writer.write(chunk) }
            try await writer.finish(nil)
        })
    }

    /// Carries a `pods/exec` WebSocket to `node`'s endpoint: every message from the client goes to the node and
    /// every message from the node to the client, until the node's side ends (after its final Status) or the
    /// client goes away.
    func forwardWebSocket(_ request: Request, to endpoint: NodeEndpoint, protocol chosen: String, inbound: WebSocketInboundStream,
                          outbound: WebSocketOutboundWriter, logger: Logger) async throws {
        let tls = try tlsConfiguration(for: endpoint)
        let (node, base) = (endpoint.node, endpoint.url)
        let query = request.uri.query.map { "?\($0)" } ?? ""
        let url = "wss" + base.dropFirst("https".count) + request.uri.path + query
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        configuration.additionalHeaders[.secWebSocketProtocol] = chosen
        // TLS names no IP address (SNI); the endpoint's certificate also carries the node's name, checked instead.
        configuration.sniHostname = node
        try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls, logger: logger) { fromNode, toNode, _ in
            // The client's stdin and stdin-close messages; when the client goes away, the node is told (and stops
            // the command). Unstructured: iterating a WebSocket's messages does not end on cancellation, and the
            // exchange must not wait for a client that keeps its end open after the Status.
            let upstream = Task {
                do {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .binary(let buffer) = message else { continue }
                        try await toNode.write(.binary(buffer))
                    }
                } catch {}
                try? await toNode.close(.normalClosure, reason: nil)
            }
            defer { upstream.cancel() }
            // The node's output, error and final Status; its end ends the exchange.
            do {
                for try await message in fromNode.messages(maxSize: 1 << 20) {
                    guard case .binary(let buffer) = message else { continue }
                    try await outbound.write(.binary(buffer))
                }
            } catch {}
        }
    }
}

/// A node's endpoint as its Node publishes it (``NodeEndpointAnnotations``).
struct NodeEndpoint: Sendable {
    let node: String
    /// `https://IP:PORT`.
    let url: String
    let certificateAuthorityPEM: String
}
