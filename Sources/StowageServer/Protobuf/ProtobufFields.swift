/// The fields of one protocol buffer message, by field number: length-delimited values as bytes, varints as
/// numbers (fixed-width values are skipped). Enough to read the small messages Stowage accepts.
struct ProtobufFields {
    private var bytesFields: [Int: [ArraySlice<UInt8>]] = [:]
    private var varintFields: [Int: [UInt64]] = [:]

    /// A field that could not be read: a truncated value or an unknown wire type, at `offset`.
    struct Malformed: Error, CustomStringConvertible {
        let offset: Int
        var description: String { "malformed protobuf at byte \(offset)" }
    }

    init(_ message: some Collection<UInt8>) throws(Malformed) {
        let bytes = Array(message)
        var position = 0
        func varint() throws(Malformed) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < bytes.count, shift < 64 else { throw Malformed(offset: position) }
                let byte = bytes[position]
                position += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }
        while position < bytes.count {
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0:
                varintFields[field, default: []].append(try varint())
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard position + width <= bytes.count else { throw Malformed(offset: position) }
                position += width
            case 2:
                let length = try varint()
                guard length <= UInt64(bytes.count - position) else { throw Malformed(offset: position) }
                bytesFields[field, default: []].append(bytes[position..<(position + Int(length))])
                position += Int(length)
            default:
                throw Malformed(offset: position)
            }
        }
    }

    /// Every value of a length-delimited field, as text.
    func strings(_ field: Int) -> [String] {
        (bytesFields[field] ?? []).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The last value of a string field (proto's rule for a repeated scalar read as one), or nil when absent.
    func string(_ field: Int) -> String? { strings(field).last }

    /// Every value of a length-delimited field, as bytes.
    func bytes(_ field: Int) -> [ArraySlice<UInt8>] { bytesFields[field] ?? [] }

    /// Every value of an embedded-message field.
    func messages(_ field: Int) throws(Malformed) -> [ProtobufFields] {
        var result: [ProtobufFields] = []
        for value in bytesFields[field] ?? [] { result.append(try ProtobufFields(value)) }
        return result
    }

    /// Every value of a varint field (an int64 or a bool).
    func varints(_ field: Int) -> [UInt64] { varintFields[field] ?? [] }

    /// Whether the field occurs at all.
    func has(_ field: Int) -> Bool { bytesFields[field] != nil || varintFields[field] != nil }
}
