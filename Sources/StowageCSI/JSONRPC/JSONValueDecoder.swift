import Foundation

/// Decodes `Decodable` values from a parsed `JSONValue`, with `JSONDecoder`'s error types and coding paths.
/// Faster than `JSONDecoder` for the protocol's small messages; tests compare the two.
struct JSONValueDecoder {
    var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Parses `bytes` and decodes `T`.
    /// - Throws: `JSONSyntaxError` when the bytes are not JSON; `DecodingError` when they do not fit `T`.
    func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try decode(type, from: try JSONReader.parse(bytes))
    }

    func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try bytes.withUnsafeBytes { try decode(type, from: $0) }
    }

    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try T(from: ValueDecoder(value: value, parent: nil, key: nil, userInfo: userInfo))
    }
}

private struct IndexKey: CodingKey {
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { index = intValue }
}

private final class ValueDecoder: Decoder {
    let value: JSONValue
    let parent: ValueDecoder?
    let key: (any CodingKey)?
    let info: [CodingUserInfoKey: any Sendable]

    init(value: JSONValue, parent: ValueDecoder?, key: (any CodingKey)?, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.parent = parent
        self.key = key
        self.info = userInfo
    }

    var codingPath: [any CodingKey] {
        var path: [any CodingKey] = []
        var node: ValueDecoder? = self
        while let current = node, let key = current.key { path.append(key); node = current.parent }
        return path.reversed()
    }
    var userInfo: [CodingUserInfoKey: Any] { info }

    func child(_ value: JSONValue, _ key: any CodingKey) -> ValueDecoder {
        ValueDecoder(value: value, parent: self, key: key, userInfo: info)
    }

    func mismatch(_ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .typeMismatch(type, .init(codingPath: path, debugDescription: "expected \(type), found \(value.kindName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: Any].self, codingPath) }
        return KeyedDecodingContainer(KeyedReader<Key>(decoder: self, members: members))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([Any].self, codingPath) }
        return UnkeyedReader(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(decoder: self) }

    // Scalars, shared by the containers.
    func decodeBool() throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch(Bool.self, codingPath) }
        return b
    }
    func decodeString() throws -> String {
        guard case .string(let s) = value else { throw mismatch(String.self, codingPath) }
        return s
    }
    func decodeDouble() throws -> Double {
        guard case .number(let text) = value, let d = Double(text) else { throw mismatch(Double.self, codingPath) }
        return d
    }
    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let text) = value else { throw mismatch(T.self, codingPath) }
        if let n = T(text) { return n }
        if let d = Double(text), d.rounded() == d, let n = T(exactly: d) { return n }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "number \(text.prefix(40)) does not fit in \(T.self)"))
    }
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is String.Type: return try decodeString() as! T
        case is Int64.Type: return try decodeInteger(Int64.self) as! T
        case is Bool.Type: return try decodeBool() as! T
        case is Int.Type: return try decodeInteger(Int.self) as! T
        default: return try T(from: self)
        }
    }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ValueDecoder
    let members: [(key: String, value: JSONValue)]
    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    private func find(_ key: Key) -> JSONValue? {
        let name = key.stringValue
        for member in members.reversed() where member.key == name { return member.value }
        return nil
    }
    private func child(_ key: Key) throws -> ValueDecoder {
        guard let value = find(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no value for \(key.stringValue)"))
        }
        return decoder.child(value, key)
    }
    private func present(_ key: Key) throws -> ValueDecoder {
        let child = try child(key)
        if case .null = child.value {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: child.codingPath, debugDescription: "found null"))
        }
        return child
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }
    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try child(key).value { return true }
        return false
    }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try present(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try present(key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try present(key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try present(key).decodeDouble()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try present(key).decodeInteger(Int.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try present(key).decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try present(key).decodeInteger(Int64.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try present(key).decodeInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try present(key).decodeValue(type) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = find(key) else { return nil }
        if case .null = value { return nil }
        return try decoder.child(value, key).decodeValue(type)
    }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try present(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try present(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let decoder: ValueDecoder
    let elements: [JSONValue]
    var currentIndex = 0
    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "array has no more elements"))
        }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], IndexKey(currentIndex))
    }
    private mutating func nextPresent() throws -> ValueDecoder {
        let child = try next()
        if case .null = child.value {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: child.codingPath, debugDescription: "found null"))
        }
        return child
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try nextPresent().decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try nextPresent().decodeString() }
    mutating func decode(_ type: Double.Type) throws -> Double { try nextPresent().decodeDouble() }
    mutating func decode(_ type: Int.Type) throws -> Int { try nextPresent().decodeInteger(Int.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try nextPresent().decodeInteger(Int64.self) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try nextPresent().decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try nextPresent().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try nextPresent().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleReader: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private func present() throws -> ValueDecoder {
        if case .null = decoder.value {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "found null"))
        }
        return decoder
    }
    func decodeNil() -> Bool { if case .null = decoder.value { return true } else { return false } }
    func decode(_ type: Bool.Type) throws -> Bool { try present().decodeBool() }
    func decode(_ type: String.Type) throws -> String { try present().decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try present().decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { Float(try present().decodeDouble()) }
    func decode(_ type: Int.Type) throws -> Int { try present().decodeInteger(Int.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try present().decodeInteger(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try present().decodeInteger(Int64.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try present().decodeInteger(UInt64.self) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try present().decodeValue(type) }
}
