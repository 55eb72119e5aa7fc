import Testing
@testable import StowageJSON

@Suite("JSON parser and writer")
struct JSONParserTests {
    @Test func parsesAndKeepsOrderAndNumberText() throws {
        let value = try JSONParser.parse(#"{"b":1,"a":[true,null,"x\n\u00e9"],"n":-1.50e3,"big":9223372036854775807}"#)
        #expect(value.objectValue?.keys == ["b", "a", "n", "big"])
        #expect(value["n"] == .number("-1.50e3"))
        #expect(value["big"] == .number("9223372036854775807"))
        #expect(value["a"] == .array([.bool(true), .null, .string("x\né")]))
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,null,"x\né"],"n":-1.50e3,"big":9223372036854775807}"#)
    }

    @Test func surrogatePairsDecode() throws {
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test(arguments: [
        ("{\"a\":1,}", "line 1, column 8", "expected a string key"),
        ("{\"a\" 1}", "line 1, column 6", "expected ':' after key \"a\""),
        ("[1,2", "line 1, column 5", "unexpected end of input"),
        ("{\n  \"a\": tru\n}", "line 2, column 8", "invalid literal, expected true"),
        ("01", "line 1, column 1", "leading zero"),
        ("{\"a\":1} x", "line 1, column 9", "unexpected text after the end"),
        ("\"a\tb\"", "line 1, column 3", "control character"),
        ("{\"a\":1,\"a\":2}", "line 1, column 13", "duplicate key \"a\""),
        ("\"\\ud800\"", "line 1, column 8", "unpaired surrogate"),
    ])
    func reportsSyntaxErrorsWithPosition(input: String, position: String, message: String) {
        #expect {
            _ = try JSONParser.parse(input)
        } throws: { error in
            let description = "\(error)"
            return description.contains(position) && description.contains(message)
        }
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000)
        #expect {
            _ = try JSONParser.parse(deep)
        } throws: { error in
            "\(error)".contains("nesting deeper than 512 levels")
        }
    }
}

@Suite("JSON parser on hostile and exact input")
struct JSONParserStrictnessTests {
    @Test(arguments: ["", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "\"\\x\"", "\"a\u{1}b\"", "tru", "{} x", "[\"\\ud800\"", "1e"])
    func rejectsWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func limitsNestingAndKeepsNumbersExact() throws {
        #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array(repeating: UInt8(ascii: "["), count: 100_000)) }
        let nested = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        guard case .array = try JSONParser.parse(nested) else { Issue.record("500 levels must parse"); return }
        #expect(try JSONParser.parse("-9223372036854775808") == .number("-9223372036854775808"))
        #expect(try JSONParser.parse(#""a\"\\\/\n\u00e9\ud83d\ude00""#) == .string("a\"\\/\né😀"))
    }

    @Test func rejectsInvalidUTF8WithTheStringsPosition() {
        let bytes: [UInt8] = Array(#"{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect {
            _ = try JSONParser.parse(bytes)
        } throws: { error in
            guard let error = error as? JSONSyntaxError else { return false }
            return error.message == "invalid UTF-8 in a string" && error.offset == 8 && error.position == TextPosition(line: 1, column: 9)
        }
    }

    @Test func parsesFromDataSlicesAndRawBuffers() throws {
        let text = #"  {"a":[1,"two",{"b":null}]}  "#
        let expected = try JSONParser.parse(text)
        #expect(try JSONParser.parse(Array(text.utf8)[...]) == expected)
        #expect(try Array(text.utf8).withUnsafeBytes { try JSONParser.parse($0) } == expected)
        #expect(try JSONParser.parse(text.utf8.lazy.map { $0 }) == expected)
    }
}
