import Foundation
import Testing
@testable import StowageJSON

private struct Inner: Codable, Equatable {
    var name: String
    var count: Int32?
}

private struct Outer: Codable, Equatable {
    var inner: Inner
    var items: [Inner]
    var labels: [String: String]?
    var big: Int64
    var ratio: Double
    var flag: Bool
}

@Suite("Tree decoder")
struct JSONTreeDecoderTests {
    private let json = #"{"inner":{"name":"a","count":3},"items":[{"name":"b","extra":1}],"labels":{"x":"y"},"big":9223372036854775807,"ratio":0.5,"flag":true,"unknown":[1]}"#

    @Test func agreesWithJSONDecoder() throws {
        let fast = try JSONTreeDecoder().decode(Outer.self, from: Array(json.utf8))
        #expect(fast == (try JSONDecoder().decode(Outer.self, from: Data(json.utf8))))
        #expect(fast.big == Int64.max && fast.items == [Inner(name: "b", count: nil)])
    }

    @Test func reportsUnreadMembersWithTheirObjectsPath() throws {
        let (_, unread) = try JSONTreeDecoder().decodeReportingUnread(Outer.self, from: try JSONParser.parse(json))
        let rendered = unread.map { ($0.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } + [$0.key]).joined(separator: ".") }
        #expect(rendered.sorted() == ["items.0.extra", "unknown"])
    }

    @Test func errorsCarryThePathAndWhatWasFound() throws {
        let bad = #"{"inner":{"name":5},"items":[],"big":1,"ratio":1,"flag":true}"#
        #expect {
            _ = try JSONTreeDecoder().decode(Outer.self, from: Array(bad.utf8))
        } throws: { error in
            guard case .typeMismatch(_, let context) = error as? DecodingError else { return false }
            return context.codingPath.map(\.stringValue) == ["inner", "name"] && context.debugDescription == "expected a string, found number"
        }
        #expect {
            _ = try JSONTreeDecoder().decode(Outer.self, from: Array(#"{"inner":{"name":"a"}}"#.utf8))
        } throws: { error in
            guard case .keyNotFound(let key, _) = error as? DecodingError else { return false }
            return key.stringValue == "items"
        }
        #expect(throws: DecodingError.self) { try JSONTreeDecoder().decode(Int8.self, from: Array("300".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONTreeDecoder().decode(Int8.self, from: Array("[".utf8)) }
    }

    @Test func passesUserInfo() throws {
        struct Reads: Decodable {
            var seen: String?
            init(from decoder: any Decoder) throws { seen = decoder.userInfo[JSONTreeDecoderTests.key] as? String }
        }
        #expect(try JSONTreeDecoder(userInfo: [Self.key: "hello"]).decode(Reads.self, from: .null).seen == "hello")
    }

    static let key = CodingUserInfoKey(rawValue: "test.key")!
}
