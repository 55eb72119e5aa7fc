struct StreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: StreamWriter
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    /// Closes containers nested inside this one that their owners left open, then writes the key.
    @inline(__always)
    private func key(_ key: Key) {
        writer.closeContainers(downTo: depth)
        writer.writeKey(key.stringValue)
    }

    mutating func encodeNil(forKey key: Key) throws { self.key(key); writer.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.key(key); writer.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.key(key); JSONBytes.appendString(value, to: &writer.bytes) }
    mutating func encode(_ value: Double, forKey key: Key) throws { self.key(key); try writer.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { self.key(key); try writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.key(key); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        self.key(key)
        try writer.write(value)
    }
    // The optionals synthesized `Encodable` code passes for optional properties: implemented here, so they are
    // called directly rather than through the protocol's generic defaults (a metadata lookup per property).
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        if let value { self.key(key); JSONBytes.appendString(value, to: &writer.bytes) }
    }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { self.key(key); writer.writeBool(value) } }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { self.key(key); writer.writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { self.key(key); writer.writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { self.key(key); writer.writeInteger(value) } }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { if let value { self.key(key); try writer.writeDouble(value) } }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { self.key(key); try writer.write(value) }
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        self.key(key)
        return writer.container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        self.key(key)
        return writer.unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        writer.closeContainers(downTo: depth)
        writer.writeKey("super")
        return writer
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        self.key(key)
        return writer
    }
}

struct StreamUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: StreamWriter
    let depth: Int
    var count = 0
    var codingPath: [any CodingKey] { [] }

    @inline(__always)
    private mutating func element() {
        writer.closeContainers(downTo: depth)
        writer.beginElement()
        count += 1
    }
    mutating func encodeNil() throws { element(); writer.writeNull() }
    mutating func encode(_ value: Bool) throws { element(); writer.writeBool(value) }
    mutating func encode(_ value: String) throws { element(); JSONBytes.appendString(value, to: &writer.bytes) }
    mutating func encode(_ value: Double) throws { element(); try writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { element(); try writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { element(); writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { element(); writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { element(); try writer.write(value) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        element()
        return writer.container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        element()
        return writer.unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        element()
        return writer
    }
}

struct StreamSingleValueContainer: SingleValueEncodingContainer {
    let writer: StreamWriter
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil() throws { writer.writeNull() }
    mutating func encode(_ value: Bool) throws { writer.writeBool(value) }
    mutating func encode(_ value: String) throws { JSONBytes.appendString(value, to: &writer.bytes) }
    mutating func encode(_ value: Double) throws { try writer.writeDouble(value) }
    mutating func encode(_ value: Float) throws { try writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { writer.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { writer.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { writer.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.write(value) }
}
