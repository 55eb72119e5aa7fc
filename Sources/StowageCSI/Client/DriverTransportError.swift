import Foundation

/// Why a call failed without an answer from the driver. The client throws these wrapped in a `CSIError`
/// (`CSIError.cause`), so callers can act on `CSIError.code` alone and look here to learn what happened.
public struct DriverTransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, from the caller's point of view.
    public enum Kind: String, Sendable, Equatable {
        /// No driver is listening (socket missing or refusing): UNAVAILABLE.
        case connectFailed
        /// The driver did not answer within the call's timeout (it hangs or is slow): DEADLINE_EXCEEDED.
        case timedOut
        /// The connection closed with the call in flight (the driver died or restarted): UNAVAILABLE.
        case connectionClosed
        /// The driver answered something that is not a valid response: INTERNAL.
        case malformedResponse
        /// The request could not be encoded: INTERNAL.
        case encodingFailed
    }
    public var kind: Kind
    /// The method of the failed call, when known.
    public var method: String?
    /// A sentence for people (for `malformedResponse`, it includes the start of the text received).
    public var detail: String
    /// The underlying error (a `SocketError`, a `DecodingError`), if any.
    public var cause: (any Error)?

    public init(_ kind: Kind, method: String? = nil, detail: String, cause: (any Error)? = nil) {
        self.kind = kind
        self.method = method
        self.detail = detail
        self.cause = cause
    }

    /// The status code a CSI caller acts on.
    public var statusCode: StatusCode {
        switch kind {
        case .connectFailed, .connectionClosed: return .unavailable
        case .timedOut: return .deadlineExceeded
        case .malformedResponse, .encodingFailed: return .internal
        }
    }

    /// This error as the `CSIError` the client throws.
    public var csiError: CSIError {
        CSIError(statusCode, (method.map { "\($0): " } ?? "") + detail, cause: self)
    }

    public var description: String {
        var text = "\(kind.rawValue): " + (method.map { "\($0): " } ?? "") + detail
        if let cause { text += " (\(cause))" }
        return text
    }

    /// At most `limit` characters of a received line, for error messages.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 200) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        return bytes.count > limit ? text + "…" : text
    }
}
