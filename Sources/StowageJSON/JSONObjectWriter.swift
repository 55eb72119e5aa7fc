/// A type that writes its own JSON object for ``JSONStreamEncoder``, member by member, instead of going through
/// `Encodable`'s keyed containers (a container box, a metadata lookup and a dynamic cast per property). Worth it
/// for the few types encoded on every write of the store; everything else stays plain `Encodable`.
///
/// The contract, checked by tests that compare both encodings byte for byte:
/// - `writeMembers` writes exactly the members `encode(to:)` would (absent optionals omitted, as synthesized
///   conformances do), with the same values;
/// - in ascending order of their keys' bytes, which is the order ``JSONStreamEncoder/sortsKeys`` produces. Debug
///   builds trap on a key out of order.
public protocol JSONObjectWritable: Encodable {
    /// Writes this value's members through `object`, keys in ascending byte order.
    func writeMembers(to object: inout JSONObjectWriter) throws
}

/// Writes the members of one JSON object for a ``JSONObjectWritable`` type. Each `write` appends `"key":value`
/// when the value is present and nothing when it is nil. Keys are static ASCII text needing no escape.
public struct JSONObjectWriter {
    /// The output, moved out of the stream encoder's state for the duration (no class access per append).
    @usableFromInline var bytes: [UInt8]
    /// The stream encoder, for members written through `Encodable`.
    let stream: StreamWriter
    /// The state of the object being written, saved while a nested one is.
    @usableFromInline struct ObjectState {
        var hasMembers = false
        #if DEBUG
        var lastKey: StaticString?
        #endif
        @usableFromInline init() {}
    }
    @usableFromInline var current = ObjectState()

    init(stream: StreamWriter) {
        self.stream = stream
        bytes = []
        swap(&bytes, &stream.bytes)
    }

    /// Hands the output back to the stream encoder.
    mutating func finish() { swap(&bytes, &stream.bytes) }

    // The generic members are inlinable so that they are specialized in the module of the type being written:
    // unspecialized, each call would look up the generic arguments' metadata at run time.

    /// Writes `value` as a whole object: `{`, its members, `}`.
    @inlinable mutating func writeObject<T: JSONObjectWritable>(_ value: T) throws {
        bytes.append(UInt8(ascii: "{"))
        let outer = current
        current = ObjectState()
        defer { current = outer }
        try value.writeMembers(to: &self)
        bytes.append(UInt8(ascii: "}"))
    }

    @usableFromInline mutating func key(_ key: StaticString) {
        #if DEBUG
        if let lastKey = current.lastKey {
            let ascending = UnsafeBufferPointer(start: lastKey.utf8Start, count: lastKey.utf8CodeUnitCount)
                .lexicographicallyPrecedes(UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
            precondition(ascending, "JSONObjectWritable member \"\(key)\" written after \"\(lastKey)\": keys must ascend")
        }
        current.lastKey = key
        #endif
        if current.hasMembers { bytes.append(UInt8(ascii: ",")) } else { current.hasMembers = true }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"key":value` for a leaf that writes its own JSON: a string, an integer, a boolean (StowageJSON's own
    /// `JSONStreamScalar` conformances), a timestamp, a quantity.
    @inlinable public mutating func write<T: JSONStreamScalar & Encodable>(_ key: StaticString, _ value: T?) {
        guard let value else { return }
        self.key(key)
        value.appendJSON(to: &bytes)
    }

    /// A nested ``JSONObjectWritable`` object.
    @inlinable public mutating func write<T: JSONObjectWritable>(_ key: StaticString, _ value: T?) throws {
        guard let value else { return }
        self.key(key)
        try writeObject(value)
    }

    /// An array of strings.
    public mutating func write(_ key: StaticString, _ value: [String]?) {
        guard let value else { return }
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in value.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONBytes.appendString(element, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An array of ``JSONObjectWritable`` objects.
    @inlinable public mutating func write<T: JSONObjectWritable>(_ key: StaticString, _ value: [T]?) throws {
        guard let value else { return }
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        var first = true
        for element in value {
            if first { first = false } else { bytes.append(UInt8(ascii: ",")) }
            try writeObject(element)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A map of strings, entries in ascending order of their keys as written (escaped), as the sorting stream
    /// encoder orders a `Dictionary`.
    public mutating func write(_ key: StaticString, _ value: [String: String]?) {
        guard let value else { return }
        self.key(key)
        writeMap(value) { JSONBytes.appendString($1, to: &$0.bytes) }
    }

    /// A map of leaves (quantities), entries in ascending order of their keys as written.
    @inlinable public mutating func write<T: JSONStreamScalar & Encodable>(_ key: StaticString, _ value: [String: T]?) {
        guard let value else { return }
        self.key(key)
        writeMap(value) { $1.appendJSON(to: &$0.bytes) }
    }

    /// Any other `Encodable` member, written by the stream encoder's `Encodable` path.
    @inlinable public mutating func write<T: Encodable>(_ key: StaticString, _ value: T?) throws {
        guard let value else { return }
        self.key(key)
        try writeThroughEncodable(value)
    }

    @usableFromInline mutating func writeThroughEncodable(_ value: any Encodable) throws {
        finish()
        defer { swap(&bytes, &stream.bytes) }
        try stream.write(value)
    }

    @inlinable mutating func writeMap<V>(_ map: [String: V], _ writeValue: (inout JSONObjectWriter, V) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        if map.count == 1, let entry = map.first {
            JSONBytes.appendString(entry.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            writeValue(&self, entry.value)
            bytes.append(UInt8(ascii: "}"))
            return
        }
        // The sorting stream encoder compares keys as written, quotes included. For keys without a byte at or
        // below `"` (0x22) or a backslash that is the order of their plain bytes; any other key (never a
        // Kubernetes label or annotation key, which are validated names) is compared as written.
        let plain = map.keys.allSatisfy { key in !key.utf8.contains { $0 <= 0x22 || $0 == UInt8(ascii: "\\") } }
        let entries = plain
            ? map.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            : map.sorted { JSONBytes.quoted($0.key).utf8.lexicographicallyPrecedes(JSONBytes.quoted($1.key).utf8) }
        for (index, entry) in entries.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONBytes.appendString(entry.key, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            writeValue(&self, entry.value)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
