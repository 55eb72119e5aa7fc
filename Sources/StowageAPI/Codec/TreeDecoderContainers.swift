struct TreeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let codingPath: [any CodingKey]
    let path: String
    let session: TreeDecodingSession

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        session.markRead(path: path, key: key.stringValue)
        return object[key.stringValue] != nil
    }

    private func member(_ key: Key) throws -> JSONValue {
        session.markRead(path: path, key: key.stringValue)
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required field is missing"))
        }
        return value
    }

    private func decoder(for key: Key) throws -> TreeDecoderImpl {
        TreeDecoderImpl(value: try member(key), codingPath: codingPath + [key], session: session)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        session.markRead(path: path, key: key.stringValue)
        return object[key.stringValue].map { $0 == .null } ?? true
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        session.markRead(path: path, key: key.stringValue)
        guard let value = object[key.stringValue], value != .null else { return nil }
        return try T(from: TreeDecoderImpl(value: value, codingPath: codingPath + [key], session: session))
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: decoder(for: key)) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try Bool(from: decoder(for: key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try String(from: decoder(for: key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try Double(from: decoder(for: key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try Float(from: decoder(for: key)) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try Int(from: decoder(for: key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try Int8(from: decoder(for: key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try Int16(from: decoder(for: key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try Int32(from: decoder(for: key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try Int64(from: decoder(for: key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try UInt(from: decoder(for: key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try UInt8(from: decoder(for: key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try UInt16(from: decoder(for: key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try UInt32(from: decoder(for: key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try UInt64(from: decoder(for: key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        TreeDecoderImpl(value: .object(object), codingPath: codingPath, session: session)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(for: key) }
}


struct TreeUnkeyedContainer: UnkeyedDecodingContainer {
    let items: [JSONValue]
    let codingPath: [any CodingKey]
    let session: TreeDecodingSession
    var currentIndex = 0

    init(items: [JSONValue], codingPath: [any CodingKey], session: TreeDecodingSession) {
        self.items = items
        self.codingPath = codingPath
        self.session = session
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next() throws -> TreeDecoderImpl {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        let decoder = TreeDecoderImpl(value: items[currentIndex], codingPath: codingPath + [TreeIndexKey(currentIndex)], session: session)
        currentIndex += 1
        return decoder
    }

    mutating func decodeNil() throws -> Bool {
        if !isAtEnd, items[currentIndex] == .null { currentIndex += 1; return true }
        return false
    }

    mutating func decode<V: Decodable>(_ type: V.Type) throws -> V { try V(from: next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct TreeSingleValueContainer: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let session: TreeDecodingSession

    func decodeNil() -> Bool { value == .null }

    private func mismatch<V>(_ type: V.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.typeName)"))
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(type, "a boolean") }
        return flag
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let text) = value else { throw mismatch(type, "a string") }
        return text
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let text) = value, let number = Double(text) else { throw mismatch(type, "a number") }
        return number
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        guard case .number(let text) = value else { throw mismatch(type, "an integer") }
        if let exact = I(text) { return exact }
        if let real = Double(text), real.rounded() == real, let converted = I(exactly: real) { return converted }
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath, debugDescription: "\(text) is not an integer in the range of \(I.self)"))
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<V: Decodable>(_ type: V.Type) throws -> V {
        try V(from: TreeDecoderImpl(value: value, codingPath: codingPath, session: session))
    }
}
