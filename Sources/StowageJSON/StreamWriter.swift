/// The state of one streaming encoding: the output bytes and the stack of open containers. Containers are
/// closed lazily, when their parent writes its next element or the encoding ends, because `Encodable` has no
/// "container finished" call.
final class StreamWriter: Encoder {
    /// One open container.
    struct Frame {
        var close: UInt8
        var hasElements = false
        /// For objects when sorting: where this object's entries start in `members`.
        var membersBase = 0
        /// Whether a key arrived out of order (only then are members moved at close).
        var unsorted = false
    }

    /// Where one object member starts (after the comma) and where its key (with quotes) ends.
    struct MemberSpan {
        var start: Int
        var keyEnd: Int
    }

    var bytes: [UInt8] = []
    var stack: [Frame] = []
    var members: [MemberSpan] = []
    let sortsKeys: Bool
    /// Whether ``JSONObjectWritable`` values write themselves (off only to check them against `Encodable`).
    let writesObjectsDirectly: Bool
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(sortsKeys: Bool, writesObjectsDirectly: Bool = true) {
        self.sortsKeys = sortsKeys
        self.writesObjectsDirectly = writesObjectsDirectly
    }

    func write<T: Encodable>(_ value: T) throws {
        // One conformance check (cached by the runtime) instead of a cast per scalar type.
        if let scalar = value as? any JSONStreamScalar {
            scalar.appendJSON(to: &bytes)
            return
        }
        if writesObjectsDirectly, let object = value as? any JSONObjectWritable {
            var writer = JSONObjectWriter(stream: self)
            defer { writer.finish() }
            try writer.writeObject(object)
            return
        }
        let depth = stack.count
        let start = bytes.count
        try value.encode(to: self)
        closeContainers(downTo: depth)
        if bytes.count == start { bytes.append(UInt8(ascii: "{")); bytes.append(UInt8(ascii: "}")) }
    }

    func closeContainers(downTo depth: Int) {
        while stack.count > depth {
            let frame = stack.removeLast()
            if sortsKeys, frame.close == UInt8(ascii: "}") {
                if frame.unsorted { sortMembers(from: frame.membersBase) }
                members.removeSubrange(frame.membersBase...)
            }
            bytes.append(frame.close)
        }
    }

    /// Writes the separator before a new element of the innermost container.
    @inline(__always)
    func beginElement() {
        if stack[stack.count - 1].hasElements { bytes.append(UInt8(ascii: ",")) } else { stack[stack.count - 1].hasElements = true }
    }

    func writeKey(_ key: String) {
        beginElement()
        let start = bytes.count
        JSONBytes.appendString(key, to: &bytes)
        if sortsKeys {
            let top = stack.count - 1
            if !stack[top].unsorted, members.count > stack[top].membersBase {
                let previous = members[members.count - 1]
                if keyBytes(start..<bytes.count).lexicographicallyPrecedes(keyBytes(previous.start..<previous.keyEnd)) {
                    stack[top].unsorted = true
                }
            }
            members.append(MemberSpan(start: start, keyEnd: bytes.count))
        }
        bytes.append(UInt8(ascii: ":"))
    }

    private func keyBytes(_ range: Range<Int>) -> ArraySlice<UInt8> { bytes[range] }

    /// Reorders the members of the object being closed (entries `base...` of `members`) by key.
    private func sortMembers(from base: Int) {
        let spans = members[base...]
        guard let first = spans.first else { return }
        let end = bytes.count
        var ranges: [(key: Range<Int>, whole: Range<Int>)] = []
        ranges.reserveCapacity(spans.count)
        for (position, span) in zip(spans.indices, spans) {
            let next = position + 1 < members.count ? members[position + 1].start - 1 : end
            ranges.append((span.start..<span.keyEnd, span.start..<next))
        }
        ranges.sort { bytes[$0.key].lexicographicallyPrecedes(bytes[$1.key]) }
        var region: [UInt8] = []
        region.reserveCapacity(end - first.start)
        for (position, range) in ranges.enumerated() {
            if position > 0 { region.append(UInt8(ascii: ",")) }
            region.append(contentsOf: bytes[range.whole])
        }
        bytes.replaceSubrange(first.start..<end, with: region)
    }

    func open(_ byte: UInt8, close: UInt8) {
        bytes.append(byte)
        stack.append(Frame(close: close, membersBase: members.count))
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
        }
        if value == value.rounded(), abs(value) < 1e15 { JSONBytes.appendInteger(Int64(value), to: &bytes) }
        else { bytes.append(contentsOf: "\(value)".utf8) }
    }

    func writeNull() { bytes.append(contentsOf: JSONBytes.null) }
    func writeBool(_ value: Bool) { bytes.append(contentsOf: value ? JSONBytes.true : JSONBytes.false) }
    func writeInteger<I: BinaryInteger>(_ value: I) { JSONBytes.appendInteger(value, to: &bytes) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open(UInt8(ascii: "{"), close: UInt8(ascii: "}"))
        return KeyedEncodingContainer(StreamKeyedContainer<Key>(writer: self, depth: stack.count))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open(UInt8(ascii: "["), close: UInt8(ascii: "]"))
        return StreamUnkeyedContainer(writer: self, depth: stack.count)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { StreamSingleValueContainer(writer: self) }
}
