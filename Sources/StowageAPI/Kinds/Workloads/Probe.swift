/// A health check of a container (`livenessProbe`, `readinessProbe`, `startupProbe`): exactly one handler
/// (`exec`, `httpGet`, `tcpSocket`) and its timing.
public struct Probe: Codable, Sendable, Hashable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var initialDelaySeconds: Int32?
    /// Defaults to 1.
    public var timeoutSeconds: Int32?
    /// Defaults to 10.
    public var periodSeconds: Int32?
    /// Defaults to 1; must be 1 for liveness and startup probes.
    public var successThreshold: Int32?
    /// Defaults to 3.
    public var failureThreshold: Int32?

    public init(
        exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
        initialDelaySeconds: Int32? = nil, timeoutSeconds: Int32? = nil, periodSeconds: Int32? = nil,
        successThreshold: Int32? = nil, failureThreshold: Int32? = nil
    ) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.initialDelaySeconds = initialDelaySeconds
        self.timeoutSeconds = timeoutSeconds
        self.periodSeconds = periodSeconds
        self.successThreshold = successThreshold
        self.failureThreshold = failureThreshold
    }

    /// A probe that runs `command` in the container.
    public static func exec(_ command: [String]) -> Probe { Probe(exec: ExecAction(command: command)) }

    /// Fills Kubernetes' probe defaults (timeout 1 s, period 10 s, success 1, failure 3).
    public mutating func applyDefaults() {
        if timeoutSeconds == nil { timeoutSeconds = 1 }
        if periodSeconds == nil { periodSeconds = 10 }
        if successThreshold == nil { successThreshold = 1 }
        if failureThreshold == nil { failureThreshold = 3 }
        if httpGet != nil {
            if httpGet?.path == nil { httpGet?.path = "/" }
            if httpGet?.scheme == nil { httpGet?.scheme = "HTTP" }
        }
    }
}

/// Runs a command in the container; exit status 0 is healthy.
public struct ExecAction: Codable, Sendable, Hashable {
    public var command: [String]?
    public init(command: [String]? = nil) { self.command = command }
}

/// An HTTP GET against the pod; a 2xx or 3xx status is healthy.
public struct HTTPGetAction: Codable, Sendable, Hashable {
    public var path: String?
    public var port: IntOrString?
    public var host: String?
    /// `HTTP` (default) or `HTTPS`.
    public var scheme: String?
    public init(path: String? = nil, port: IntOrString? = nil, host: String? = nil, scheme: String? = nil) {
        self.path = path
        self.port = port
        self.host = host
        self.scheme = scheme
    }
}

/// A TCP connection to the pod; an accepted connection is healthy.
public struct TCPSocketAction: Codable, Sendable, Hashable {
    public var port: IntOrString?
    public var host: String?
    public init(port: IntOrString? = nil, host: String? = nil) {
        self.port = port
        self.host = host
    }
}
