import Testing
import StowageJSON

@Suite("Indented JSON")
struct JSONWriterIndentTests {
    @Test func indentsMembersAndKeepsNumberTextAndOrder() throws {
        let value = try JSONParser.parse(#"{"kind":"Pod","big":9223372036854775807,"n":1e9,"empty":{},"list":[1,[]],"s":"a\"b"}"#)
        #expect(JSONWriter.indentedString(value, indent: 2) == """
        {
          "kind": "Pod",
          "big": 9223372036854775807,
          "n": 1e9,
          "empty": {},
          "list": [
            1,
            []
          ],
          "s": "a\\"b"
        }
        """)
        #expect(try JSONParser.parse(JSONWriter.indentedString(value)) == value)
    }
}
