/// Decodes `Decodable` values from a ``JSONValue`` tree, remembering every object member that the types did not
/// read, so that callers can warn about fields Stowage does not model (as Kubernetes' `fieldValidation=Warn`
/// does) or refuse them (`Strict`).
struct TreeDecoder {
    /// Member paths that are never reported as unknown (`apiVersion`, `kind`, `metadata.managedFields`).
    var ignoredPaths: Set<String> = ["apiVersion", "kind", "metadata.managedFields"]

    /// Decodes `type` from `value`. Returns the value and the paths of the members nobody read, sorted.
    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (T, unknownFields: [String]) {
        let session = TreeDecodingSession()
        let decoder = TreeDecoderImpl(value: value, codingPath: [], session: session)
        let result = try T(from: decoder)
        return (result, session.unknownFields(ignoring: ignoredPaths))
    }
}

/// Bookkeeping shared by every container of one decoding pass.
final class TreeDecodingSession {
    private struct ObjectVisit {
        var path: String
        var keys: [String]
    }
    private var visits: [ObjectVisit] = []
    private var visitIndex: [String: Int] = [:]
    private var read: [String: Set<String>] = [:]

    func register(path: String, object: JSONObject) {
        guard visitIndex[path] == nil else { return }
        visitIndex[path] = visits.count
        visits.append(ObjectVisit(path: path, keys: object.keys))
    }

    func markRead(path: String, key: String) {
        read[path, default: []].insert(key)
    }

    func unknownFields(ignoring ignored: Set<String>) -> [String] {
        var result: [String] = []
        for visit in visits {
            let seen = read[visit.path] ?? []
            for key in visit.keys where !seen.contains(key) {
                let full = FieldPathFormatter.append(key, isMapKey: false, to: visit.path)
                if !ignored.contains(full) { result.append(full) }
            }
        }
        return result.sorted()
    }
}

/// Renders Codable paths the way Kubernetes prints field paths.
enum FieldPathFormatter {
    static func string(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text = append(key.stringValue, isMapKey: isDictionaryKey(key), to: text)
            }
        }
        return text
    }

    static func append(_ key: String, isMapKey: Bool, to path: String) -> String {
        let plain = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        if isMapKey && !plain { return "\(path)[\(key)]" }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    private static func isDictionaryKey(_ key: any CodingKey) -> Bool {
        String(describing: type(of: key)).contains("DictionaryCodingKey")
    }
}

/// An index key for unkeyed containers.
struct TreeIndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.init(intValue) }
}

struct TreeDecoderImpl: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let session: TreeDecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else {
            throw DecodingError.typeMismatch(
                [String: Any].self,
                .init(codingPath: codingPath, debugDescription: "expected an object, found \(value.typeName)"))
        }
        let path = FieldPathFormatter.string(codingPath)
        session.register(path: path, object: object)
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(object: object, codingPath: codingPath, path: path, session: session))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw DecodingError.typeMismatch(
                [Any].self, .init(codingPath: codingPath, debugDescription: "expected an array, found \(value.typeName)"))
        }
        return TreeUnkeyedContainer(items: items, codingPath: codingPath, session: session)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TreeSingleValueContainer(value: value, codingPath: codingPath, session: session)
    }
}
