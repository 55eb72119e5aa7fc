/// Writes protocol buffer fields: strings and embedded messages (wire type 2), and varints.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// A string field (also written when empty, which proto3 readers treat as unset).
    mutating func string(_ field: Int, _ value: String) {
        lengthDelimited(field, Array(value.utf8))
    }

    /// A varint field (an int64, int32 or bool; negative numbers as their 64-bit two's complement).
    mutating func varint(_ field: Int, _ value: Int64) {
        varint(UInt64(field) << 3)
        varint(UInt64(bitPattern: value))
    }

    /// An embedded message field.
    mutating func message(_ field: Int, _ value: ProtobufWriter) {
        lengthDelimited(field, value.bytes)
    }

    private mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        varint(UInt64(field) << 3 | 2)
        varint(UInt64(payload.count))
        bytes += payload
    }

    private mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }
}
