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

    /// Decodes `type`, reading the common leaves and string maps/lists directly instead of through
    /// `init(from:)` (the standard library's `Dictionary` decoding alone cost ~40% of decoding an object with
    /// labels and annotations). Metatype identity checks are a pointer compare each.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        // Metatype compares only: a `T?` local in this unspecialized code would cost a runtime metadata lookup
        // of `Optional<T>` per value. The bit casts are checked by the compares.
        if T.self == String.self { return unsafeBitCast(try decodeString(), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try decodeInteger(Int64.self), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try decodeBool(), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try decodeInteger(Int.self), to: T.self) }
        if T.self == Int32.self { return unsafeBitCast(try decodeInteger(Int32.self), to: T.self) }
        // Generic metatypes (`[String]`) cost a runtime metadata lookup each time they are spelled: compare
        // against ones looked up once.
        let type = ObjectIdentifier(T.self)
        if type == Self.stringMapType, let map = stringMap() { return unsafeBitCast(map, to: T.self) }
        if type == Self.stringListType, let list = stringList() { return unsafeBitCast(list, to: T.self) }
        return try T(from: self)
    }

    private static let stringMapType = ObjectIdentifier([String: String].self)
    private static let stringListType = ObjectIdentifier([String].self)

    /// The object as a `[String: String]`, or nil when it is not one (then the general path reports why).
    private func stringMap() -> [String: String]? {
        guard case .object(let object) = value else { return nil }
        if let tracker = context.tracker {
            let visit = tracker.register(codingPath: codingPath, object: object)
            for member in object.members { tracker.markRead(visit, key: member.key) }
        }
        var map: [String: String] = [:]
        map.reserveCapacity(object.count)
        for member in object.members {
            guard case .string(let text) = member.value else { return nil }
            map[member.key] = text
        }
        return map
    }

    /// The array as a `[String]`, or nil when it is not one (then the general path reports why).
    private func stringList() -> [String]? {
        guard case .array(let items) = value else { return nil }
        var list: [String] = []
        list.reserveCapacity(items.count)
        for item in items {
            guard case .string(let text) = item else { return nil }
            list.append(text)
        }
        return list
    }
}
