import Foundation

/// How `stowage serve` exposes the API.
public struct APIServerOptions: Sendable {
    /// The state directory: `api.sock`, `pki/`, `kubeconfig` go here.
    public var stateDirectory: String
    /// TCP addresses (`host:port`, `[::1]:6443`), each TLS-only and authenticated. Port 0 picks a free port.
    public var listenAddresses: [String]
    /// Extra names or IP addresses for the serving certificate.
    public var tlsSubjectAlternativeNames: [String]
    /// A Kubernetes static token file with more users.
    public var tokensFile: String?
    /// Whether to serve the local Unix socket `<state-dir>/api.sock` (mode 0600, no authentication).
    public var serveUnixSocket: Bool
    /// Where the node agent on this box keeps its pods (`<state-dir>/pods` unless told); `pods/log` reads
    /// container logs there.
    public var podsDirectory: String
    /// How `pods/exec` runs a command in a container of this box's node agent; nil answers exec with an error.
    public var containerCommand: ContainerCommandLauncher?

    public init(stateDirectory: String, listenAddresses: [String] = ["127.0.0.1:6443"], tlsSubjectAlternativeNames: [String] = [],
                tokensFile: String? = nil, serveUnixSocket: Bool = true, podsDirectory: String? = nil,
                containerCommand: ContainerCommandLauncher? = nil) {
        self.stateDirectory = stateDirectory
        self.containerCommand = containerCommand
        self.podsDirectory = podsDirectory ?? stateDirectory + "/pods"
        self.listenAddresses = listenAddresses
        self.tlsSubjectAlternativeNames = tlsSubjectAlternativeNames
        self.tokensFile = tokensFile
        self.serveUnixSocket = serveUnixSocket
    }

    public var socketPath: String { stateDirectory + "/api.sock" }
    public var kubeconfigPath: String { stateDirectory + "/kubeconfig" }

    public var pkiDirectory: String { stateDirectory + "/pki" }

    /// Splits `host:port` (IPv6 in brackets); errors say what was wrong with which address.
    static func hostAndPort(_ address: String) throws -> (host: String, port: Int) {
        var host: Substring
        var portText: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]"), address[address.index(after: close)...].hasPrefix(":") else {
                throw PKIError("--listen-address \"\(address)\": expected [ipv6]:port")
            }
            host = address[address.index(after: address.startIndex)..<close]
            portText = address[address.index(close, offsetBy: 2)...]
        } else {
            guard let colon = address.lastIndex(of: ":") else { throw PKIError("--listen-address \"\(address)\": expected host:port, e.g. 127.0.0.1:6443") }
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw PKIError("--listen-address \"\(address)\": port \"\(portText)\" is not a number from 0 to 65535")
        }
        if host.isEmpty { host = "0.0.0.0" }
        return (String(host), port)
    }
}
