struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let node: TreeNode
    let object: JSONObject
    /// The tracker's handle for this object, when unread members are tracked.
    let visit: Int?

    var codingPath: [any CodingKey] { node.codingPath }
    var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.key) } }

    @inline(__always)
    private func lookup(_ key: Key) -> JSONValue? {
        let name = key.stringValue
        // Borrowing through the buffer avoids a retain/release of every member passed over.
        let value = object.members.withUnsafeBufferPointer { members -> JSONValue? in
            for index in members.indices where members[index].key == name { return members[index].value }
            return nil
        }
        // Only members present can be unread, so only they are marked (a type asks for many fields that are absent).
        if value != nil, let visit { node.context.tracker?.markRead(visit, key: name) }
        return value
    }

    private func child(_ key: Key) throws -> TreeNode {
        guard let value = lookup(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required field is missing"))
        }
        return node.child(value, key)
    }

    func contains(_ key: Key) -> Bool { lookup(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = lookup(key) else { return true }
        if case .null = value { return true }
        return false
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = lookup(key) else { return nil }
        if case .null = value { return nil }
        return try node.child(value, key).decodeValue(type)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        guard let value = lookup(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required field is missing"))
        }
        return try node.child(value, key).decodeValue(type)
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        if case .bool(let flag)? = lookup(key) { return flag }
        return try child(key).decodeBool()
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        if case .string(let text)? = lookup(key) { return text }
        return try child(key).decodeString()
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try child(key).decodeDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).decodeInteger(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { node }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let node: TreeNode
    let items: [JSONValue]
    var currentIndex = 0

    init(node: TreeNode, items: [JSONValue]) {
        self.node = node
        self.items = items
    }

    var codingPath: [any CodingKey] { node.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> TreeNode {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        defer { currentIndex += 1 }
        return node.child(items[currentIndex], TreeIndexKey(currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = items[currentIndex] else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decodeDouble() }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decodeInteger(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct TreeSingleValueContainer: SingleValueDecodingContainer {
    let node: TreeNode
    var codingPath: [any CodingKey] { node.codingPath }

    func decodeNil() -> Bool { node.decodeNull() }
    func decode(_ type: Bool.Type) throws -> Bool { try node.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try node.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try node.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try node.decodeDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try node.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try node.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try node.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try node.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try node.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try node.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try node.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try node.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try node.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try node.decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try node.decodeValue(type) }
}
