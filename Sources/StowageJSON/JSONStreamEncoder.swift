/// A streaming JSON `Encoder`: writes compact JSON bytes while `encode(to:)` runs, with no intermediate tree.
/// Several times faster than Foundation's `JSONEncoder` (see the module README for measurements).
///
/// Output rules: integers in decimal; integral doubles below 1e15 without a fraction, other doubles in Swift's
/// shortest round-trip form; non-finite doubles throw `EncodingError.invalidValue`; a value that encodes nothing
/// becomes `{}`; strings are escaped as ``JSONBytes/appendString(_:to:)`` does.
///
/// With ``sortsKeys`` every object's members are written in ascending order of their keys' UTF-8 bytes (as
/// written, escaped), so the same value always encodes to the same bytes, whatever the order of a `Dictionary`.
/// A ``JSONObjectWritable`` value writes its members in that order whether or not keys are sorted.
///
/// It relies on containers being used in order, one at a time — true of synthesized `Encodable` and of the
/// hand-written conformances in this package. The struct is a value; each `encode` call uses its own state,
/// so one encoder may be used from several threads.
public struct JSONStreamEncoder: Sendable {
    /// Whether object members are written sorted by key.
    public var sortsKeys: Bool

    /// Whether ``JSONObjectWritable`` values write themselves (the default); off, they go through `Encodable`
    /// like any other value, which is how tests check a hand-written writer against its conformance.
    public var writesObjectsDirectly: Bool

    /// An encoder; `sortsKeys` makes the output deterministic at a small cost.
    public init(sortsKeys: Bool = false, writesObjectsDirectly: Bool = true) {
        self.sortsKeys = sortsKeys
        self.writesObjectsDirectly = writesObjectsDirectly
    }

    /// `value` as compact JSON bytes.
    /// - Throws: `EncodingError` from the value's `encode(to:)`, or for a non-finite floating-point number.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends the compact JSON of `value` to `bytes` (which may already hold a prefix).
    /// - Throws: `EncodingError` from the value's `encode(to:)`, or for a non-finite floating-point number.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        let writer = StreamWriter(sortsKeys: sortsKeys, writesObjectsDirectly: writesObjectsDirectly)
        swap(&writer.bytes, &bytes)
        writer.bytes.reserveCapacity(writer.bytes.count + 256)
        defer { swap(&writer.bytes, &bytes) }
        try writer.write(value)
    }
}

/// A value the stream encoder writes directly, skipping `Encodable` (faster for leaves: strings, integers,
/// enums carried by name, timestamps). `appendJSON` must append exactly one complete JSON value.
public protocol JSONStreamScalar {
    /// Appends this value's JSON text to `bytes`.
    func appendJSON(to bytes: inout [UInt8])
}

extension String: JSONStreamScalar {
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendString(self, to: &bytes) }
}
extension Int: JSONStreamScalar {
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendInteger(self, to: &bytes) }
}
extension Int64: JSONStreamScalar {
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendInteger(self, to: &bytes) }
}
extension Int32: JSONStreamScalar {
    public func appendJSON(to bytes: inout [UInt8]) { JSONBytes.appendInteger(self, to: &bytes) }
}
extension Bool: JSONStreamScalar {
    public func appendJSON(to bytes: inout [UInt8]) { bytes.append(contentsOf: self ? JSONBytes.true : JSONBytes.false) }
}
