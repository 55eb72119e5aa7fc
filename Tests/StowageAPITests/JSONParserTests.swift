import Testing
@testable import StowageAPI

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
