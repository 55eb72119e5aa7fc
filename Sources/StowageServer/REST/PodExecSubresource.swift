import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import StowageAPI
import StowageClient
import StowageJSON

/// How `pods/exec` runs a command in a running container of this box: given the pod, the container and the
/// command, the program and arguments to start (a process that joins the container and executes the command).
/// - Throws: `APIError` (BadRequest) when the container is not running here.
public typealias ContainerCommandLauncher = @Sendable (_ pod: Pod, _ container: String, _ command: [String]) throws -> [String]

/// `pods/{name}/exec` over a WebSocket, as `kubectl exec` (1.30+) speaks it: the `v5.channel.k8s.io` (or
/// `v4.channel.k8s.io`) remote-command protocol. Every binary message starts with its channel: 0 stdin, 1 stdout,
/// 2 stderr, 3 the final `Status` (Success, or Failure with reason `NonZeroExitCode` and the exit code as a cause),
/// 4 terminal resize (ignored: no terminal is allocated, so `tty` runs the command on pipes), and in v5 255 to
/// close a channel (the client's end of stdin). A request that is not a WebSocket upgrade gets the same checks and
/// then 400.
enum PodExecSubresource {
    static let protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"]

    /// What a request asks to run.
    struct Target: Sendable {
        var argv: [String]
        var command: [String]
        var stdin: Bool
        var stdout: Bool
        var stderr: Bool
    }

    /// Where exec requests are carried out: this box's containers through `launcher`, other machines' through
    /// `forwarder` (the API server); a node endpoint has only its own.
    struct Backend: Sendable {
        var cluster: any Cluster
        var launcher: ContainerCommandLauncher?
        var podsDirectory: String?
        var forwarder: NodeForwarder?
        var logger: Logger

        init(cluster: any Cluster, launcher: ContainerCommandLauncher?, podsDirectory: String?, forwarder: NodeForwarder? = nil, logger: Logger) {
            self.cluster = cluster
            self.launcher = launcher
            self.podsDirectory = podsDirectory
            self.forwarder = forwarder
            self.logger = logger
        }

        init(_ server: APIServerContext) {
            self.init(cluster: server.cluster, launcher: server.containerCommand, podsDirectory: server.podsDirectory,
                      forwarder: server.nodeForwarder, logger: server.logger)
        }
    }

    /// Where a checked request runs: here (the program to start), or on another machine's node endpoint.
    enum Destination: Sendable {
        case here(Target)
        case node(NodeEndpoint)
    }

    /// Registers the upgrade route on the WebSocket router.
    static func addWebSocketRoute(to router: Router<APIRequestContext>, _ backend: Backend) {
        router.ws("/api/v1/namespaces/:namespace/pods/:name/exec", shouldUpgrade: { request, _ in
            _ = try await destination(of: request, backend: backend)
            guard let chosen = chosenProtocol(request) else {
                let offered = offeredProtocols(request)
                throw APIError.badRequest("pods/exec speaks \(protocols.joined(separator: " or ")) over a WebSocket; the client offered \(offered.isEmpty ? "none" : offered.joined(separator: ", "))")
            }
            return .upgrade([.secWebSocketProtocol: chosen])
        }, onUpgrade: { inbound, outbound, context in
            let destination: Destination
            do {
                destination = try await Self.destination(of: context.request, backend: backend)
            } catch {
                try await outbound.writeBinaryMessage(frame(3, APIStatus.json(for: error as? APIError ?? APIError(.internalError, "\(error)"))))
                return
            }
            switch destination {
            case .here(let target):
                try await ExecSession(target: target).run(inbound: inbound, outbound: outbound)
            case .node(let endpoint):
                guard let forwarder = backend.forwarder, let chosen = chosenProtocol(context.request) else { return }
                do {
                    try await forwarder.forwardWebSocket(context.request, to: endpoint, protocol: chosen, inbound: inbound,
                                                         outbound: outbound, logger: backend.logger)
                } catch {
                    let failure = error as? APIError ?? APIError(.serviceUnavailable, "node \(endpoint.node): \(error)")
                    try? await outbound.writeBinaryMessage(frame(3, APIStatus.json(for: failure)))
                }
                try? await outbound.close(.normalClosure, reason: nil)
            }
        })
    }

    private static func offeredProtocols(_ request: Request) -> [String] {
        request.headers[values: .secWebSocketProtocol].flatMap { $0.split(separator: ",").map { String($0.trimmingHTTPSpaces()) } }
    }

    private static func chosenProtocol(_ request: Request) -> String? {
        let offered = offeredProtocols(request)
        return protocols.first(where: offered.contains)
    }

    /// The answer to an exec request that is not a WebSocket upgrade: the request's errors, else 400.
    static func refuseWithoutUpgrade(_ request: Request, server: APIServerContext) async throws -> Response {
        _ = try await destination(of: request, backend: Backend(server))
        throw APIError.badRequest("Upgrade request required: pods/exec runs over a WebSocket (\(protocols.joined(separator: " or ")))")
    }

    /// Reads and checks the request: the pod, the container (the pod's first when not named), the command; then
    /// where it runs.
    static func destination(of request: Request, backend: Backend) async throws -> Destination {
        guard let path = ResourcePath.parse(request.uri.path), let namespace = path.namespace, let name = path.name else {
            throw APIError(.notFound, "the server could not find the requested resource")
        }
        let query = FormQuery(request)
        let command = query.all("command")
        guard !command.isEmpty else { throw APIError.badRequest("you must specify at least 1 command") }
        func flag(_ key: String) -> Bool { query[key].map { ["true", "1", ""].contains($0.lowercased()) } ?? false }
        guard flag("stdin") || flag("stdout") || flag("stderr") else {
            throw APIError.badRequest("you must specify at least 1 of stdin, stdout, stderr")
        }
        let pod = try await backend.cluster.get(Pod.self, ObjectKey(namespace: namespace, name: name))
        let containers = (pod.spec?.containers ?? []).compactMap(\.name) + (pod.spec?.initContainers ?? []).compactMap(\.name)
        let container = query["container"] ?? containers.first ?? ""
        guard containers.contains(container) else {
            throw APIError.badRequest("container \(container) is not valid for pod \(name)")
        }
        if let forwarder = backend.forwarder, let endpoint = await forwarder.remoteNode(of: pod, podsDirectory: backend.podsDirectory) {
            return .node(endpoint)
        }
        guard let launcher = backend.launcher else {
            throw APIError.badRequest("pod \(name) cannot be reached: no node agent runs beside this server")
        }
        return .here(Target(argv: try launcher(pod, container, command), command: command,
                            stdin: flag("stdin"), stdout: flag("stdout"), stderr: flag("stderr")))
    }

    /// A binary message for `channel`.
    static func frame(_ channel: UInt8, _ payload: some Sequence<UInt8>) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(channel)
        buffer.writeBytes(Array(payload))
        return buffer
    }

    static func frame(_ channel: UInt8, _ status: JSONValue) -> ByteBuffer {
        frame(channel, JSONWriter.bytes(status))
    }
}
