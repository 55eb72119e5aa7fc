import Foundation

/// A streaming JSON encoder for the protocol's messages: writes bytes as `encode(to:)` runs, with no
/// intermediate tree. Several times faster than `JSONEncoder` for these small messages.
///
/// It relies on containers being used in order, one at a time — true of synthesized `Encodable` and of every
/// message type in this module; `JSONEncoder` remains the reference (tests compare the two). Non-finite floats
/// throw `EncodingError.invalidValue`. Not thread-safe: one instance per encoding (use `encode(_:)`).
enum JSONWriter {
    /// `value` as compact JSON bytes.
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = Writer()
        try writer.write(value)
        return writer.bytes
    }
}

/// Values the writer emits directly, without going through `Encodable`.
protocol JSONScalar {
    func writeJSON(to writer: Writer)
}

extension String: JSONScalar { func writeJSON(to writer: Writer) { writer.writeString(self) } }
extension Int64: JSONScalar { func writeJSON(to writer: Writer) { writer.bytes.append(contentsOf: String(self).utf8) } }
extension Int: JSONScalar { func writeJSON(to writer: Writer) { writer.bytes.append(contentsOf: String(self).utf8) } }
extension Int32: JSONScalar { func writeJSON(to writer: Writer) { writer.bytes.append(contentsOf: String(self).utf8) } }
extension Bool: JSONScalar { func writeJSON(to writer: Writer) { writer.bytes.append(contentsOf: self ? trueBytes : falseBytes) } }

final class Writer: Encoder {
    var bytes: [UInt8] = []
    /// Open containers: the closing byte and whether an element was written.
    var stack: [(close: UInt8, hasElements: Bool)] = []
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() { bytes.reserveCapacity(256) }

    func write<T: Encodable>(_ value: T) throws {
        // One conformance check (cached by the runtime) instead of a cast per scalar type.
        if let scalar = value as? any JSONScalar {
            scalar.writeJSON(to: self)
            return
        }
        let depth = stack.count
        let start = bytes.count
        try value.encode(to: self)
        closeContainers(downTo: depth)
        if bytes.count == start { bytes.append(contentsOf: emptyObject) }
    }

    func closeContainers(downTo depth: Int) {
        while stack.count > depth { bytes.append(stack.removeLast().close) }
    }

    /// Writes the separator before a new element of the innermost container.
    func beginElement() {
        if stack[stack.count - 1].hasElements { bytes.append(UInt8(ascii: ",")) } else { stack[stack.count - 1].hasElements = true }
    }

    func writeKey(_ key: String) {
        beginElement()
        writeString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    func open(_ byte: UInt8, close: UInt8) {
        bytes.append(byte)
        stack.append((close, false))
    }

    func writeString(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            bytes.append(contentsOf: s.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        if value == value.rounded(), abs(value) < 1e15 { bytes.append(contentsOf: String(Int64(value)).utf8) }
        else { bytes.append(contentsOf: "\(value)".utf8) }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open(UInt8(ascii: "{"), close: UInt8(ascii: "}"))
        return KeyedEncodingContainer(KeyedWriter<Key>(writer: self, depth: stack.count))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open(UInt8(ascii: "["), close: UInt8(ascii: "]"))
        return UnkeyedWriter(writer: self, depth: stack.count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleWriter(writer: self) }
}

private let trueBytes = Array("true".utf8)
private let falseBytes = Array("false".utf8)
private let nullBytes = Array("null".utf8)
private let emptyObject = Array("{}".utf8)

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: Writer
    let depth: Int
    var codingPath: [any CodingKey] { [] }

    /// Closes containers nested inside this one that their owners left open.
    private func settle() { writer.closeContainers(downTo: depth) }

    mutating func encodeNil(forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.bytes.append(contentsOf: nullBytes) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.bytes.append(contentsOf: value ? trueBytes : falseBytes) }
    mutating func encode(_ value: String, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); try writer.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); try writer.writeDouble(Double(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { settle(); writer.writeKey(key.stringValue); writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        settle()
        writer.writeKey(key.stringValue)
        try writer.write(value)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        settle()
        writer.writeKey(key.stringValue)
        return writer.container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        settle()
        writer.writeKey(key.stringValue)
        return writer.unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        settle()
        writer.writeKey(key.stringValue)
        return writer
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let writer: Writer
    let depth: Int
    var count = 0
    var codingPath: [any CodingKey] { [] }

    private mutating func element() {
        writer.closeContainers(downTo: depth)
        writer.beginElement()
        count += 1
    }
    mutating func encodeNil() throws { element(); writer.bytes.append(contentsOf: nullBytes) }
    mutating func encode(_ value: Bool) throws { element(); writer.bytes.append(contentsOf: value ? trueBytes : falseBytes) }
    mutating func encode(_ value: String) throws { element(); writer.writeString(value) }
    mutating func encode(_ value: Double) throws { element(); try writer.writeDouble(value) }
    mutating func encode(_ value: Int64) throws { element(); writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode(_ value: Int) throws { element(); writer.bytes.append(contentsOf: String(value).utf8) }
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

private struct SingleWriter: SingleValueEncodingContainer {
    let writer: Writer
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil() throws { writer.bytes.append(contentsOf: nullBytes) }
    mutating func encode(_ value: Bool) throws { writer.bytes.append(contentsOf: value ? trueBytes : falseBytes) }
    mutating func encode(_ value: String) throws { writer.writeString(value) }
    mutating func encode(_ value: Double) throws { try writer.writeDouble(value) }
    mutating func encode(_ value: Int64) throws { writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode(_ value: Int) throws { writer.bytes.append(contentsOf: String(value).utf8) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.write(value) }
}

extension VolumeCapability.AccessMode.Mode: JSONScalar {}
extension PluginCapability.ServiceType: JSONScalar {}
extension PluginCapability.VolumeExpansionType: JSONScalar {}
extension ControllerServiceCapability.RPCType: JSONScalar {}
extension NodeServiceCapability.RPCType: JSONScalar {}
extension VolumeUsage.Unit: JSONScalar {}
