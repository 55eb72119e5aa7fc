import Foundation

/// A gRPC status code as CSI uses it (`error.code` on the wire), plus the JSON-RPC codes -32700/-32600.
///
/// A struct rather than an enum so that a code this version does not know survives decoding.
public struct StatusCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public static let ok = StatusCode(rawValue: 0)
    public static let cancelled = StatusCode(rawValue: 1)
    public static let unknown = StatusCode(rawValue: 2)
    public static let invalidArgument = StatusCode(rawValue: 3)
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    public static let notFound = StatusCode(rawValue: 5)
    public static let alreadyExists = StatusCode(rawValue: 6)
    public static let permissionDenied = StatusCode(rawValue: 7)
    public static let resourceExhausted = StatusCode(rawValue: 8)
    public static let failedPrecondition = StatusCode(rawValue: 9)
    public static let aborted = StatusCode(rawValue: 10)
    public static let outOfRange = StatusCode(rawValue: 11)
    public static let unimplemented = StatusCode(rawValue: 12)
    public static let `internal` = StatusCode(rawValue: 13)
    public static let unavailable = StatusCode(rawValue: 14)
    public static let dataLoss = StatusCode(rawValue: 15)
    public static let unauthenticated = StatusCode(rawValue: 16)
    /// JSON-RPC: the line is not JSON.
    public static let parseError = StatusCode(rawValue: -32700)
    /// JSON-RPC: JSON, but not a request object (`jsonrpc`, `id`, `method`).
    public static let invalidRequest = StatusCode(rawValue: -32600)

    private static let grpcNames = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The status name written in `error.data.status` (`"NOT_FOUND"`); `"CODE_<n>"` for unknown numbers.
    public var name: String {
        if Self.grpcNames.indices.contains(rawValue) { return Self.grpcNames[rawValue] }
        switch rawValue {
        case -32700: return "PARSE_ERROR"
        case -32600: return "INVALID_REQUEST"
        default: return "CODE_\(rawValue)"
        }
    }
    /// The code for a status name, or nil if the name is not known.
    public init?(name: String) {
        if let i = Self.grpcNames.firstIndex(of: name) { self.init(rawValue: i); return }
        switch name {
        case "PARSE_ERROR": self = .parseError
        case "INVALID_REQUEST": self = .invalidRequest
        default: return nil
        }
    }
    public var description: String { "\(rawValue) \(name)" }
}

/// An error a driver returns (or the client reports) with a CSI status code and a message for people.
///
/// Drivers throw it from `Driver` methods: `throw CSIError(.notFound, "volume \(id) does not exist")`. Any other
/// error thrown by a driver reaches the caller as INTERNAL with the error's description. Messages must never
/// contain secrets; the server additionally scrubs secret values of the request from messages.
public struct CSIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// The underlying error, if any (not sent on the wire).
    public var cause: (any Error)?

    public init(_ code: StatusCode, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }
    public static func == (a: CSIError, b: CSIError) -> Bool { a.code == b.code && a.message == b.message }
    public var description: String {
        var text = "\(code.name) (\(code.rawValue)): \(message)"
        if let cause { text += " [cause: \(cause)]" }
        return text
    }

    /// Shorthands for the codes drivers use most.
    public static func invalidArgument(_ message: String) -> CSIError { CSIError(.invalidArgument, message) }
    public static func notFound(_ message: String) -> CSIError { CSIError(.notFound, message) }
    public static func alreadyExists(_ message: String) -> CSIError { CSIError(.alreadyExists, message) }
    public static func failedPrecondition(_ message: String) -> CSIError { CSIError(.failedPrecondition, message) }
    public static func unimplemented(_ method: String) -> CSIError { CSIError(.unimplemented, "\(method) is not implemented by this driver") }
    public static func `internal`(_ message: String, cause: (any Error)? = nil) -> CSIError { CSIError(.internal, message, cause: cause) }
}
