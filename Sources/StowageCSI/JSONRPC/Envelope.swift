import Foundation
import StowageJSON

/// A JSON-RPC request id: a number, a string, or `null` (only in responses to unparseable requests).
public enum JSONRPCID: Sendable, Hashable, Codable, CustomStringConvertible {
    case number(Int64)
    case string(String)
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let n = try? c.decode(Int64.self) { self = .number(n) }
        else { self = .string(try c.decode(String.self)) }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .null: try c.encodeNil()
        }
    }
    public var description: String {
        switch self {
        case .number(let n): return String(n)
        case .string(let s): return "\"\(s)\""
        case .null: return "null"
        }
    }
    /// The id as JSON text.
    var json: String {
        switch self {
        case .number(let n): return String(n)
        case .string(let s): return JSONText.quoted(s)
        case .null: return "null"
        }
    }
}

/// The `error` member of a failure response: `{code, message, data: {status}}`.
public struct JSONRPCErrorObject: Codable, Sendable, Equatable {
    /// `error.data`.
    public struct Details: Codable, Sendable, Equatable {
        public var status: String?
        public init(status: String?) { self.status = status }
    }
    public var code: Int
    public var message: String
    public var data: Details?
    public init(code: Int, message: String, data: Details?) {
        self.code = code
        self.message = message
        self.data = data
    }
    /// The error object for a `CSIError`.
    public init(_ error: CSIError) {
        self.init(code: error.code.rawValue, message: error.message, data: Details(status: error.code.name))
    }
    /// The `CSIError` this object describes.
    public var csiError: CSIError { CSIError(StatusCode(rawValue: code), message) }
}

/// Helpers that write the envelope text around an already-encoded `params`/`result` without re-encoding it.
enum JSONText {
    /// `s` as a JSON string literal.
    static func quoted(_ s: String) -> String { JSONBytes.quoted(s) }

    /// `{"jsonrpc":"2.0","id":ID,"result":RESULT}\n`
    static func success(id: JSONRPCID, result: some Sequence<UInt8>) -> [UInt8] {
        var line = Array("{\"jsonrpc\":\"2.0\",\"id\":\(id.json),\"result\":".utf8)
        line.append(contentsOf: result)
        line.append(contentsOf: "}\n".utf8)
        return line
    }

    /// `{"jsonrpc":"2.0","id":ID,"error":{"code":C,"message":M,"data":{"status":S}}}\n`
    static func failure(id: JSONRPCID, error: CSIError) -> [UInt8] {
        let text = "{\"jsonrpc\":\"2.0\",\"id\":\(id.json),\"error\":{\"code\":\(error.code.rawValue),\"message\":"
            + quoted(error.message) + ",\"data\":{\"status\":\"\(error.code.name)\"}}}\n"
        return Array(text.utf8)
    }

    /// `{"jsonrpc":"2.0","id":ID,"method":M,"params":PARAMS}\n`
    static func request(id: Int64, method: String, params: some Sequence<UInt8>) -> [UInt8] {
        var line = Array("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":".utf8)
        line.append(contentsOf: quoted(method).utf8)
        line.append(contentsOf: ",\"params\":".utf8)
        line.append(contentsOf: params)
        line.append(contentsOf: "}\n".utf8)
        return line
    }
}
