import Testing
import Yams
@testable import StowageAPI
import StowageJSON

/// The hand-written YAML 1.1 scalar typing agrees with Yams' default resolver (regular expressions) on every
/// string tried, and YAML written by Stowage reads back as the same values.
struct YAMLPlainScalarTests {
    /// What Yams' default resolver makes of `text` as an untagged plain scalar.
    func regexTag(_ text: String) -> Yams.Tag.Name {
        Yams.Tag.Name(rawValue: Yams.Node(text, Yams.Tag(.implicit, .default, .default)).tag.description)
    }

    static let samples: [String] = [
        "", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "y", "n", "no", "On", "oN", "off", "OFF",
        "true", "True", "TRUE", "tRUE", "false", "0", "-0", "+0", "00", "01", "08", "0_", "0o17", "0o", "0o8", "0b101",
        "0b", "0b2", "-0b1", "0x1F", "0x", "0xg", "+0x_a", "1", "12", "1_000", "1__", "-17", "+17", "1:30", "1:3",
        "1:60", "1:305", "190:20:30", "0:30", "1:30.5", "1:30.", "-1:30:00.25", "1.", "1.5", "-1.5", "+1.5e3",
        "1e3", "1E+3", "1e", "1e+", ".5", ".5e3", ".5e+3", "._", ".", "+.5", "-.5", ".inf", "-.inf", "+.Inf",
        ".INF", ".iNf", ".nan", ".NaN", "-.nan", "1.10", "3.14.15", "6.8523015e+5", "685.230_15e+03",
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
        "2001-12-15 2:59:43.10", "2001-12-15 2:59:43.10 ", "2002-1-1", "2002-12-14Z", "<<", "=", "abc", "1a",
        "a1", "-", "+", "0.", "1_.5", "_1", "1:", ":30", "1::30", "10Gi", "500m", "1.5Gi", "v1", "3", " 1",
    ]

    /// Strings built from the characters that matter to the rules, every one up to four long.
    static func generated() -> [String] {
        let alphabet = Array("01578+-._:eEbox ZT")
        var result: [String] = [""]
        var frontier: [String] = [""]
        for _ in 1...4 {
            frontier = frontier.flatMap { prefix in alphabet.map { prefix + String($0) } }
            result += frontier
        }
        return result
    }

    @Test func typesEveryScalarAsTheRegexResolverDoes() {
        var mismatches: [String] = []
        for text in Self.samples + Self.generated() {
            let mine = YAMLPlainScalar.tag(of: text)
            var theirs = regexTag(text)
            if [Yams.Tag.Name.timestamp, .merge, .value].contains(theirs) { theirs = .str }  // read as strings by Stowage
            if mine != theirs { mismatches.append("\"\(text)\": \(mine.rawValue) vs \(theirs.rawValue)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func quotesExactlyTheStringsTheRegexResolverWouldNotReadAsStrings() {
        var mismatches: [String] = []
        for text in Self.samples + Self.generated() {
            let needed = regexTag(text) != Yams.Tag.Name.str
            if YAMLPlainScalar.needsQuotes(text) != needed { mismatches.append("\"\(text)\"") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func manifestScalarsGetTheirYAML11Types() throws {
        let documents = try YAMLBridge.documents("""
            a: yes
            b: 0x1F
            c: 1:30
            d: .inf
            e: ~
            f: "yes"
            g: !!str 12
            h: 2001-12-14
            i: 0o17
            j: 1_000.5
            k:
            """, file: "t.yaml")
        guard case .object(let object) = try #require(documents.first).value else { Issue.record("not an object"); return }
        #expect(object["a"] == .bool(true))
        #expect(object["b"] == .number("31"))
        #expect(object["c"] == .number("90"))
        #expect(object["d"] == .string(".inf"), "not a finite number, so kept as text")
        #expect(object["e"] == .null)
        #expect(object["f"] == .string("yes"))
        #expect(object["g"] == .string("12"))
        #expect(object["h"] == .string("2001-12-14"))
        #expect(object["i"] == .number("15"))
        #expect(object["j"] == .number("1000.5"))
        #expect(object["k"] == .null)
    }

    @Test func writtenYAMLReadsBackAsTheSameValues() throws {
        var object = JSONObject()
        for (index, text) in Self.samples.enumerated() { object["s\(index)"] = .string(text) }
        object["n"] = .number("42")
        object["b"] = .bool(false)
        object["z"] = .null
        object["list"] = .array([.string("on"), .string("plain"), .number("1.5")])
        let value = JSONValue.object(object)
        let text = try YAMLWriter.string(value)
        #expect(text.contains("s0: \"\"\n") && text.contains("list:\n- \"on\"\n- plain\n"), "\(text.prefix(400))")
        let read = try YAMLBridge.documents(text, file: "round.yaml")
        #expect(read.first?.value == value)
    }
}
