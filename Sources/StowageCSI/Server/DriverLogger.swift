import Foundation

/// One served call, as the server logs it. Holds no secrets: `message` and `parameters` are scrubbed.
public struct DriverCallRecord: Sendable, CustomStringConvertible {
    /// The method name as received (truncated to 64 characters), or `"-"` when the line had none.
    public var method: String
    /// The request id (`null` for lines that could not be parsed).
    public var id: JSONRPCID
    /// The connection the call came on (numbered from 1 per server).
    public var connection: Int
    /// Time from reading the line to queueing the answer.
    public var duration: Duration
    /// The status code answered (`.ok` on success).
    public var code: StatusCode
    /// The error message answered, with every secret value of the request replaced by `[REDACTED]`.
    public var message: String?
    /// The request's `params` as JSON with every `secrets` map's values replaced by `[REDACTED]`; only set when
    /// `DriverServer.Configuration.logParameters` is on.
    public var parameters: String?

    public var description: String {
        let micros = Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
        var text = "csi call method=\(method) id=\(id) conn=\(connection) code=\(code.name) duration=\(String(format: "%.1f", micros))µs"
        if let message { text += " message=\(JSONText.quoted(message))" }
        if let parameters { text += " params=\(parameters)" }
        return text
    }
}

/// Where `DriverServer` sends its log lines. No logging library is required: implement `log` and `event`.
///
/// Threading: called concurrently from connection threads and tasks; implementations must be thread-safe
/// and should not block for long (they run on the request path).
public protocol DriverLogger: Sendable {
    /// Called once per answered line (calls, and lines rejected before dispatch).
    func log(_ record: DriverCallRecord)
    /// Called for server lifecycle events (listening, connection opened/closed, shutdown).
    func event(_ message: String)
}

extension DriverLogger {
    public func event(_ message: String) {}
}

/// A logger that forwards every line, formatted, to a closure (for example `{ print($0) }`).
public struct ClosureDriverLogger: DriverLogger {
    private let sink: @Sendable (String) -> Void
    public init(_ sink: @escaping @Sendable (String) -> Void) { self.sink = sink }
    public func log(_ record: DriverCallRecord) { sink(record.description) }
    public func event(_ message: String) { sink("csi " + message) }
}

/// Removes secrets from text before it can reach a log line or an answer.
public enum Redaction {
    /// The text that replaces a secret.
    public static let placeholder = "[REDACTED]"

    /// `text` with every occurrence of every value of `secrets` replaced by `[REDACTED]`.
    public static func scrub(_ text: String, secrets: some Collection<String>) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty && result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: placeholder)
        }
        return result
    }

    /// The JSON text `json` with the values of every `secrets` object (at any depth) replaced by
    /// `"[REDACTED]"`. Returns nil when `json` is not JSON.
    public static func redactSecrets(inJSON json: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else { return nil }
        let cleaned = redact(object)
        guard let data = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys, .fragmentsAllowed]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func redact(_ value: Any) -> Any {
        if let object = value as? [String: Any] {
            var out: [String: Any] = [:]
            for (key, inner) in object {
                if key == "secrets", let map = inner as? [String: Any] {
                    out[key] = map.mapValues { _ in placeholder }
                } else if key == "secrets" {
                    out[key] = placeholder
                } else {
                    out[key] = redact(inner)
                }
            }
            return out
        }
        if let array = value as? [Any] { return array.map(redact) }
        return value
    }
}
