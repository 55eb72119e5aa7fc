import Foundation
import StowageJSON

/// Encodes and decodes API objects in Kubernetes JSON. `apiVersion` and `kind` come from the type's
/// ``APIResource``; object keys are written sorted by their UTF-8 bytes (as `kubectl get -o yaml` shows them),
/// after `apiVersion` and `kind`.
///
/// Two decoding paths: ``decode(_:from:)-(_,Data)`` for JSON Stowage wrote itself (fast), and
/// ``decode(_:from:)-(_,JSONValue)`` for what users send, which reports every problem with its field path and
/// lists the fields Stowage does not model.
public enum APICodec {
    /// Encodes `object` as compact Kubernetes JSON: `apiVersion`, `kind`, then the object's fields; the members
    /// of every nested object (structs and maps alike) sorted by key, so that equal objects always encode to the
    /// same bytes. Uses the streaming ``JSONStreamEncoder`` (no intermediate tree, no Foundation coder).
    /// - Throws: `EncodingError` when a value cannot be represented (a non-finite number).
    public static func encode<T: APIObject>(_ object: T) throws -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        out.append(contentsOf: "{\"apiVersion\":".utf8)
        JSONBytes.appendString(T.resource.apiVersion, to: &out)
        out.append(contentsOf: ",\"kind\":".utf8)
        JSONBytes.appendString(T.resource.kind, to: &out)
        let bodyStart = out.count
        try encoder.encode(object, appendingTo: &out)
        if out.count - bodyStart <= 2 {
            out.removeSubrange(bodyStart...)
            out.append(UInt8(ascii: "}"))
        } else {
            out[bodyStart] = UInt8(ascii: ",")
        }
        return Data(out)
    }

    /// Encodes `object` as a ``JSONValue`` tree (for patches and printing).
    public static func tree<T: APIObject>(_ object: T) throws -> JSONValue {
        try JSONParser.parse(encode(object))
    }

    /// Decodes JSON that Stowage itself wrote (from the store). Throws ``APIError`` InternalError when it does not
    /// fit, which means stored data is damaged.
    public static func decode<T: APIObject>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONTreeDecoder().decode(T.self, from: data)
        } catch {
            throw APIError(.internalError, "stored \(T.resource.kind) cannot be decoded: \(error)")
        }
    }

    /// Decodes a user's object of kind `T` from a JSON tree, checking `apiVersion` and `kind` when present.
    /// - Returns: the object and the paths of fields Stowage does not model (to warn about, as Kubernetes does).
    /// - Throws: ``DecodeProblem`` naming the field path and what is wrong with it.
    public static func decode<T: APIObject>(_ type: T.Type, from value: JSONValue) throws(DecodeProblem) -> Decoded<T> {
        guard case .object(let object) = value else {
            throw DecodeProblem(field: "", message: "expected a JSON object, found \(value.typeName)")
        }
        if case .string(let apiVersion)? = object["apiVersion"], apiVersion != T.resource.apiVersion {
            throw DecodeProblem(field: "apiVersion", message: "Invalid value: \"\(apiVersion)\": expected \"\(T.resource.apiVersion)\"")
        }
        if case .string(let kind)? = object["kind"], kind != T.resource.kind {
            throw DecodeProblem(field: "kind", message: "Invalid value: \"\(kind)\": expected \"\(T.resource.kind)\"")
        }
        do {
            let (result, unknown) = try TreeDecoder().decode(T.self, from: value)
            return Decoded(object: result, unknownFields: unknown)
        } catch let error as DecodingError {
            throw DecodeProblem(error, in: value)
        } catch {
            throw DecodeProblem(field: "", message: "\(error)")
        }
    }

    /// Decodes a user's object of any modeled kind, chosen by its `apiVersion` and `kind`.
    /// - Throws: ``DecodeProblem`` when `apiVersion` or `kind` is missing or unknown, or a field does not fit.
    public static func decodeAny(from value: JSONValue) throws(DecodeProblem) -> DecodedAny {
        guard case .object(let object) = value else {
            throw DecodeProblem(field: "", message: "expected a JSON object, found \(value.typeName)")
        }
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        var missing: [String] = []
        if apiVersion.isEmpty { missing.append("apiVersion not set") }
        if kind.isEmpty { missing.append("kind not set") }
        if !missing.isEmpty { throw DecodeProblem(field: "", message: missing.joined(separator: ", ")) }
        guard let type = APIKinds.type(apiVersion: apiVersion, kind: kind) else {
            throw DecodeProblem(field: "", message: "no matches for kind \"\(kind)\" in version \"\(apiVersion)\"")
        }
        return try decodeErased(type, value)
    }

    private static func decodeErased<T: APIObject>(_ type: T.Type, _ value: JSONValue) throws(DecodeProblem) -> DecodedAny {
        let decoded = try decode(type, from: value)
        return DecodedAny(object: decoded.object, unknownFields: decoded.unknownFields)
    }

    private static let encoder = JSONStreamEncoder(sortsKeys: true)
}

/// A decoded object of a known kind and the fields it carried that Stowage does not model.
public struct Decoded<T: APIObject>: Sendable {
    public var object: T
    /// Paths such as `spec.foo` of fields that were present but not modeled; they are dropped.
    public var unknownFields: [String]
}

/// A decoded object of any modeled kind.
public struct DecodedAny: Sendable {
    public var object: any APIObject
    public var unknownFields: [String]
}
