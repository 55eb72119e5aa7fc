import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOSSL
import StowageAPI
import StowageClient
import StowageJSON

/// `stowage exec` for a pod on another machine: the API server's `pods/exec` over a WebSocket, as `kubectl exec -i`
/// speaks it (`v5.channel.k8s.io`): this process's standard input goes to the command (closed at its end), the
/// command's output and error come back on ours, and its exit code becomes ours.
struct RemoteExec {
    /// The API server over HTTPS, with credentials (a WebSocket cannot be carried over the Unix socket here).
    let endpoint: HTTPClusterEndpoint

    /// Runs `command` in `container` of the pod; returns the command's exit code.
    /// - Throws: `CommandFailure` when the server refuses or cannot be reached.
    func run(namespace: String, pod: String, container: String, command: [String]) async throws -> Int32 {
        guard case .https(let host, let port) = endpoint.address else {
            throw CommandFailure("exec into a pod on another machine needs the server's HTTPS address: give --kubeconfig or --server https://…")
        }
        var tls = try endpoint.tlsConfiguration()
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        configuration.additionalHeaders[.secWebSocketProtocol] = "v5.channel.k8s.io"
        if let authorization = endpoint.authorizationHeader { configuration.additionalHeaders[.authorization] = authorization }
        if Self.isIPAddress(host) {
            // TLS cannot name an IP address (SNI). The certificate must still chain to the cluster's CA, whose only
            // server certificate is the API server's (its client certificates are not valid for serving).
            configuration.sniHostname = "localhost"
            tls.certificateVerification = .noHostnameVerification
        }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let url = "wss://\(shownHost):\(port)/api/v1/namespaces/\(Self.escaped(namespace))/pods/\(Self.escaped(pod))/exec?"
            + (["container=\(Self.escaped(container))", "stdin=true", "stdout=true", "stderr=true"]
               + command.map { "command=\(Self.escaped($0))" }).joined(separator: "&")
        let outcome = ExecOutcome()
        do {
            try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls,
                                              logger: Logger(label: "stowage.exec")) { inbound, outbound, _ in
                let input = Self.standardInputChunks()
                let sender = Task {
                    for await chunk in input {
                        try? await outbound.write(.binary(ByteBuffer(bytes: [0] + chunk)))
                    }
                    try? await outbound.write(.binary(ByteBuffer(bytes: [255, 0])))  // v5: stdin closed
                }
                // The command's side ending (after its Status) ends the exchange, whatever stdin is doing.
                defer { sender.cancel() }
                do {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .binary(var buffer) = message, let channel: UInt8 = buffer.readInteger() else { continue }
                        let payload = Data(buffer.readableBytesView)
                        switch channel {
                        case 1: FileHandle.standardOutput.write(payload)
                        case 2: FileHandle.standardError.write(payload)
                        case 3:
                            outcome.record(status: payload)
                            return  // the Status is the last message
                        default: break
                        }
                    }
                } catch {
                    // A connection that ends uncleanly after the Status changes nothing; without one, exitCode() says so.
                }
            }
        } catch {
            throw CommandFailure("exec through \(endpoint.displayName): \(error)")
        }
        return try outcome.exitCode()
    }

    /// Standard input in chunks, read on a thread of its own, ending at end-of-file.
    private static func standardInputChunks() -> AsyncStream<[UInt8]> {
        AsyncStream { continuation in
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 64 * 1024)
                while true {
                    let count = read(STDIN_FILENO, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    continuation.yield(Array(buffer[0..<count]))
                }
                continuation.finish()
            }
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Percent-encodes everything but unreserved characters (a `+` would read as a space).
    private static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? text
    }
}

/// The final `Status` of an exec, once it has come.
private final class ExecOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private var status: JSONValue?

    func record(status data: Data) {
        let parsed = try? JSONParser.parse(Array(data))
        lock.withLock { status = parsed }
    }

    /// 0 for Success, the command's exit code for NonZeroExitCode.
    /// - Throws: `CommandFailure` with the server's message for any other failure, or when no Status came.
    func exitCode() throws -> Int32 {
        guard let status = lock.withLock({ status }) else {
            throw CommandFailure("the exec ended without a status from the server")
        }
        if status["status"]?.stringValue == "Success" { return 0 }
        if status["reason"]?.stringValue == "NonZeroExitCode",
           let cause = status["details"]?["causes"]?.arrayValue?.first(where: { $0["reason"]?.stringValue == "ExitCode" }),
           let code = cause["message"]?.stringValue.flatMap({ Int32($0) }) {
            return code
        }
        throw CommandFailure(status["message"]?.stringValue ?? "the exec failed")
    }
}
