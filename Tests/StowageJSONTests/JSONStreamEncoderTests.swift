import Foundation
import Testing
@testable import StowageJSON

private struct Shape: Codable, Equatable {
    var zeta: String
    var alpha: Int64
    var nested: [String: [Int]]
    var optional: Bool?
    var real: Double
    var list: [Shape]
}

private func text(_ value: some Encodable, sorted: Bool = false) throws -> String {
    String(decoding: try JSONStreamEncoder(sortsKeys: sorted).encode(value), as: UTF8.self)
}

/// Every optional the encoder writes through its own `encodeIfPresent` overloads.
private struct Optionals: Codable, Equatable {
    var string: String?
    var flag: Bool?
    var int: Int?
    var int32: Int32?
    var int64: Int64?
    var double: Double?
    var nested: Shape?
    var list: [String]?
}

@Suite("Streaming encoder")
struct JSONStreamEncoderTests {
    private let sample = Shape(zeta: "z \"q\" \\ /\n\t\u{1}é", alpha: Int64.min, nested: ["b": [2, 1], "a": [], "c-d.e/f": [3]],
                               optional: nil, real: 1.5, list: [Shape(zeta: "", alpha: 0, nested: [:], optional: true, real: 2, list: [])])

    @Test func matchesJSONEncoder() throws {
        let reference = JSONEncoder()
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try text(sample, sorted: true) == String(decoding: try reference.encode(sample), as: UTF8.self))
        let unsorted = try JSONStreamEncoder().encode(sample)
        #expect(try JSONDecoder().decode(Shape.self, from: Data(unsorted)) == sample)
    }

    @Test func optionalsPresentAndAbsentMatchJSONEncoder() throws {
        let reference = JSONEncoder()
        reference.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let full = Optionals(string: "s", flag: false, int: -1, int32: Int32.max, int64: Int64.min, double: 0.5, nested: sample, list: [])
        for value in [full, Optionals()] {
            #expect(try text(value, sorted: true) == String(decoding: try reference.encode(value), as: UTF8.self))
        }
        #expect(try text(Optionals(), sorted: true) == "{}")
    }

    @Test func sortedOutputIsTheSameWhateverTheDictionaryOrder() throws {
        var forward: [String: Int] = [:]
        var backward: [String: Int] = [:]
        for index in 0..<50 { forward["k\(index)"] = index }
        for index in (0..<50).reversed() { backward["k\(index)"] = index }
        #expect(try text(forward, sorted: true) == text(backward, sorted: true))
        #expect(try text(["b": ["y": 1, "x": 2], "a": [:]], sorted: true) == #"{"a":{},"b":{"x":2,"y":1}}"#)
    }

    @Test func writesNumbersAndLeavesExactly() throws {
        #expect(try text([Int64.max, 0, -7]) == "[9223372036854775807,0,-7]")
        #expect(try text([1.0, 0.25, 1e20, -3]) == "[1,0.25,1e+20,-3]")
        #expect(try text(UInt64.max) == "18446744073709551615")
        #expect(try text([Int8(-1)]) == "[-1]")
        #expect(try text([String?.none, "x"]) == #"[null,"x"]"#)
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode([Double.infinity]) }
    }

    @Test func appendsAfterAPrefix() throws {
        var bytes = Array("x=".utf8)
        try JSONStreamEncoder(sortsKeys: true).encode(["b": 1, "a": 2], appendingTo: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"x={"a":2,"b":1}"#)
    }

    @Test func treeWriterAndEncoderEscapeAlike() throws {
        let tricky = "a\"b\\c\u{0}\u{1f}\r\n/✓"
        #expect(try text(tricky) == JSONWriter.string(.string(tricky)))
        #expect(try JSONParser.parse(text(tricky)) == .string(tricky))
    }
}
