import Foundation
import Testing
@testable import StowageAPI

/// Helpers shared by the storage-kind tests.
enum StorageKindsTesting {
    /// Decodes `json` as `T`, encodes it again and checks that the JSON is the same document (so every field
    /// name is Kubernetes') and that decoding the output gives an equal object. Returns the decoded object.
    @discardableResult
    static func roundTrip<T: APIObject>(_ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        let object = try APICodec.decode(T.self, from: Data(json.utf8))
        let encoded = try APICodec.encode(object)
        let again = try APICodec.decode(T.self, from: encoded)
        #expect(again == object, sourceLocation: sourceLocation)
        let original = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
        let written = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(original != nil, sourceLocation: sourceLocation)
        #expect(written == original, "re-encoded JSON differs: \(String(decoding: encoded, as: UTF8.self))", sourceLocation: sourceLocation)
        return object
    }

    /// The errors' descriptions, as kube-apiserver would print them.
    static func texts(_ errors: [FieldError]) -> [String] { errors.map(\.description) }

    /// Whether `name` resolves to `type` in ``APIKinds`` and its apiVersion/kind do too.
    static func registered<K: APIObject>(_ name: String, _ type: K.Type) -> Bool {
        guard let byName = APIKinds.type(named: name),
              let byKind = APIKinds.type(apiVersion: K.resource.apiVersion, kind: K.resource.kind) else { return false }
        return ObjectIdentifier(byName) == ObjectIdentifier(type) && ObjectIdentifier(byKind) == ObjectIdentifier(type)
    }

    /// A quantity from a literal known to parse.
    static func q(_ text: String) -> Quantity {
        (try? Quantity(parsing: text)) ?? Quantity(bytes: 0)
    }
}
