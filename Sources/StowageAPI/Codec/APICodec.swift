import Foundation

// INTERIM implementation over Foundation's JSON coders; the lead replaces the internals with Stowage's own
// JSON tree codec (unknown-field warnings, field paths, YAML positions). The public signatures stay.

/// Encodes and decodes API objects in Kubernetes JSON, writing `apiVersion` and `kind` from the type.
public enum APICodec {
    /// Encodes `object` as Kubernetes JSON (`apiVersion`, `kind`, then the fields in declaration order).
    public static func encode<T: APIObject>(_ object: T) throws -> Data {
        let encoder = JSONEncoder()
        let body = try encoder.encode(object)
        var out = Data("{\"apiVersion\":\"\(T.resource.apiVersion)\",\"kind\":\"\(T.resource.kind)\"".utf8)
        if body.count > 2 { out.append(UInt8(ascii: ",")) }
        out.append(body.dropFirst())
        return out
    }

    /// Decodes an object of kind `T` from Kubernetes JSON. Throws an ``APIError`` with reason BadRequest that
    /// names the field path when the JSON does not fit.
    public static func decode<T: APIObject>(_ type: T.Type, from data: Data) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIError.badRequest("cannot decode \(T.resource.kind): \(error)")
        }
    }
}
