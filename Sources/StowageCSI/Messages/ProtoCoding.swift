import Foundation
import StowageJSON

/// A value that has a proto3 default ("zero value") and can be read the proto3-JSON way.
///
/// Fields holding such values are omitted when they equal the default and read as the default when absent
/// or `null`, exactly as proto3's JSON mapping prescribes. `Int64` also accepts decimal strings.
public protocol ProtoValue: Codable, Equatable {
    /// The value an absent field stands for (`""`, `0`, `false`, `[]`, `[:]`, `nil`, the enum's `UNKNOWN`).
    static var protoDefault: Self { get }
    /// Reads the value from a single-value container; override to accept more than one JSON form.
    static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Self
}

extension ProtoValue {
    public static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Self {
        try container.decode(Self.self)
    }
}

extension String: ProtoValue { public static var protoDefault: String { "" } }
extension Bool: ProtoValue { public static var protoDefault: Bool { false } }
extension Array: ProtoValue where Element: Codable & Equatable { public static var protoDefault: [Element] { [] } }
extension Dictionary: ProtoValue where Key == String, Value: Codable & Equatable {
    public static var protoDefault: [String: Value] { [:] }
}

extension Int32: ProtoValue {
    public static var protoDefault: Int32 { 0 }
    public static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Int32 {
        if let value = try? container.decode(Int32.self) { return value }
        let text = try container.decode(String.self)
        guard let value = Int32(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 32-bit integer: \(text.prefix(40))")
        }
        return value
    }
}

extension Int64: ProtoValue {
    public static var protoDefault: Int64 { 0 }
    /// proto3 JSON writes 64-bit integers as decimal strings; Stowage writes numbers. Both are accepted.
    public static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Int64 {
        if let value = try? container.decode(Int64.self) { return value }
        let text = try container.decode(String.self)
        guard let value = Int64(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a 64-bit integer: \(text.prefix(40))")
        }
        return value
    }
}

extension Optional: ProtoValue where Wrapped: ProtoValue {
    public static var protoDefault: Wrapped? { nil }
    public static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Wrapped? {
        if container.decodeNil() { return nil }
        return try Wrapped.protoDecode(from: container)
    }
}

/// Property wrapper giving a stored field proto3-JSON behaviour: absent/`null` reads as the default, the
/// default is not written, and the value type's lenient reader (`Int64` from string) is used.
///
/// Wrappers like `google.protobuf.BoolValue` are modelled as `@Proto var ready: Bool?`: `nil` is absent, a
/// present `false` is written.
@propertyWrapper
public struct Proto<Value: ProtoValue>: Codable, Equatable {
    public var wrappedValue: Value
    public init(wrappedValue: Value) { self.wrappedValue = wrappedValue }
    public init(from decoder: any Decoder) throws {
        wrappedValue = try Value.protoDecode(from: decoder.singleValueContainer())
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(wrappedValue)
    }
}

extension KeyedDecodingContainer {
    /// Chosen by synthesized `Decodable` for `@Proto` fields: a missing key or `null` is the default.
    public func decode<V>(_ type: Proto<V>.Type, forKey key: Key) throws -> Proto<V> {
        try decodeIfPresent(type, forKey: key) ?? Proto(wrappedValue: V.protoDefault)
    }
}

extension KeyedEncodingContainer {
    /// Chosen by synthesized `Encodable` for `@Proto` fields: the default value is omitted.
    public mutating func encode<V>(_ value: Proto<V>, forKey key: Key) throws {
        if value.wrappedValue == V.protoDefault { return }
        try encode(value.wrappedValue, forKey: key)
    }
}

/// A proto enum carried by name: unknown names are kept (forward compatible), numbers are accepted on input.
public protocol ProtoEnum: ProtoValue, Sendable, RawRepresentable, Hashable, CustomStringConvertible where RawValue == String {
    /// The value names in proto order, so that index `n` is the name of number `n`.
    static var names: [String] { get }
    init(rawValue: String)
}

extension ProtoEnum {
    public static var protoDefault: Self { Self(rawValue: names[0]) }
    public var description: String { rawValue }
    public init(from decoder: any Decoder) throws {
        self = try Self.protoDecode(from: decoder.singleValueContainer())
    }
    public static func protoDecode(from container: any SingleValueDecodingContainer) throws -> Self {
        if let name = try? container.decode(String.self) { return Self(rawValue: name) }
        let number = try container.decode(Int.self)
        return Self(rawValue: names.indices.contains(number) ? names[number] : String(number))
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    /// Writes the name as a JSON string (the streaming encoder's fast path).
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendString(rawValue, to: &bytes) }

    /// Whether this is one of the names this version of the protocol knows.
    public var isKnown: Bool { Self.names.contains(rawValue) }
}

/// An empty message (`{}`), used for the requests and responses that carry no fields.
public struct EmptyMessage: Codable, Sendable, Equatable {
    public init() {}
}

extension Proto: Sendable where Value: Sendable {}

// Enums carried by name skip `Encodable` in the streaming encoder.
extension VolumeCapability.AccessMode.Mode: JSONStreamScalar {}
extension PluginCapability.ServiceType: JSONStreamScalar {}
extension PluginCapability.VolumeExpansionType: JSONStreamScalar {}
extension ControllerServiceCapability.RPCType: JSONStreamScalar {}
extension NodeServiceCapability.RPCType: JSONStreamScalar {}
extension VolumeUsage.Unit: JSONStreamScalar {}
