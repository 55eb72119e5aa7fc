/// One value being decoded. Nodes link to their parent so that coding paths are only built when asked for
/// (errors, unread-member tracking), not for every value.
final class TreeNode: Decoder {
    let value: JSONValue
    let parent: TreeNode?
    let key: (any CodingKey)?
    let context: TreeDecodingContext

    init(value: JSONValue, parent: TreeNode?, key: (any CodingKey)?, context: TreeDecodingContext) {
        self.value = value
        self.parent = parent
        self.key = key
        self.context = context
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: TreeNode? = self
        while let current = node, let key = current.key {
            path.append(key)
            node = current.parent
        }
        return path.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func child(_ value: JSONValue, _ key: any CodingKey) -> TreeNode {
        TreeNode(value: value, parent: self, key: key, context: context)
    }

    func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.typeName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch([String: Any].self, "an object") }
        let visit = context.tracker?.register(codingPath: codingPath, object: object)
        return KeyedDecodingContainer(TreeKeyedContainer<Key>(node: self, object: object, visit: visit))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([Any].self, "an array") }
        return TreeUnkeyedContainer(node: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { TreeSingleValueContainer(node: self) }

    // Scalars, shared by the containers.

    func decodeNull() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decodeBool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, "a boolean") }
        return flag
    }

    func decodeString() throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, "a string") }
        return text
    }

    func decodeDouble() throws -> Double {
        guard case .number(let text) = value, let number = Double(text) else { throw mismatch(Double.self, "a number") }
        return number
    }

    func decodeInteger<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let text) = value else { throw mismatch(type, "an integer") }
        if let exact = I(text) { return exact }
        if let real = Double(text), real.rounded() == real, let converted = I(exactly: real) { return converted }
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath, debugDescription: "\(text.prefix(40)) is not an integer in the range of \(I.self)"))
    }

    /// Decodes `type`, reading the common leaves directly instead of through `init(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decodeString() as! T
        case is Int64.Type: return try decodeInteger(Int64.self) as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        case is Int32.Type: return try decodeInteger(Int32.self) as! T
        default: return try T(from: self)
        }
    }
}
