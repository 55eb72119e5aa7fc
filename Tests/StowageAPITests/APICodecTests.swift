import Foundation
import Testing
@testable import StowageAPI
import StowageJSON

@Suite("API codec")
struct APICodecTests {
    @Test func encodesApiVersionAndKindFirstThenSortedFields() throws {
        var namespace = Namespace(metadata: ObjectMeta(name: "team-a", labels: ["z": "1", "a": "2"]))
        namespace.status = NamespaceStatus(phase: "Active")
        let text = String(decoding: try APICodec.encode(namespace), as: UTF8.self)
        #expect(text == #"{"apiVersion":"v1","kind":"Namespace","metadata":{"labels":{"a":"2","z":"1"},"name":"team-a"},"status":{"phase":"Active"}}"#)
        let back = try APICodec.decode(Namespace.self, from: Data(text.utf8))
        #expect(back == namespace)
    }

    @Test func reportsUnknownFieldsWithTheirPaths() throws {
        let value = try JSONParser.parse(#"""
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","managedFields":[{}],"clusterName":"x"},
         "spec":{"finalizers":["kubernetes"],"extra":{"deep":1}},"bogus":true}
        """#)
        let decoded = try APICodec.decode(Namespace.self, from: value)
        #expect(decoded.object.metadata.name == "a")
        #expect(decoded.object.spec?.finalizers == ["kubernetes"])
        #expect(decoded.unknownFields == ["bogus", "metadata.clusterName", "spec.extra"])
    }

    @Test func typeMismatchNamesTheFieldAndValue() throws {
        let value = try JSONParser.parse(#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","labels":{"app":5}}}"#)
        #expect {
            _ = try APICodec.decode(Namespace.self, from: value)
        } throws: { error in
            "\(error)" == "metadata.labels.app: Invalid value: 5: expected a string, found number"
        }
    }

    @Test func mapKeysThatAreNotPlainWordsUseBrackets() throws {
        let value = try JSONParser.parse(#"{"kind":"Namespace","metadata":{"name":"a","annotations":{"example.com/x":[]}}}"#)
        #expect {
            _ = try APICodec.decode(Namespace.self, from: value)
        } throws: { error in
            "\(error)" == "metadata.annotations[example.com/x]: Invalid value: []: expected a string, found array"
        }
    }

    @Test func wrongKindOrVersionIsRefused() throws {
        let wrongKind = try JSONParser.parse(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}"#)
        #expect { _ = try APICodec.decode(Namespace.self, from: wrongKind) } throws: { "\($0)" == #"kind: Invalid value: "Pod": expected "Namespace""# }
        let wrongVersion = try JSONParser.parse(#"{"apiVersion":"v2","kind":"Namespace","metadata":{"name":"a"}}"#)
        #expect { _ = try APICodec.decode(Namespace.self, from: wrongVersion) } throws: { "\($0)" == #"apiVersion: Invalid value: "v2": expected "v1""# }
    }

    @Test func decodeAnyNeedsApiVersionAndKnownKind() throws {
        #expect { _ = try APICodec.decodeAny(from: try JSONParser.parse(#"{"metadata":{"name":"a"}}"#)) } throws: {
            "\($0)" == "apiVersion not set, kind not set"
        }
        #expect { _ = try APICodec.decodeAny(from: try JSONParser.parse(#"{"apiVersion":"apps/v1","kind":"Deployment"}"#)) } throws: {
            "\($0)" == #"no matches for kind "Deployment" in version "apps/v1""#
        }
    }

    @Test func timestampsRoundTripAsRFC3339() throws {
        #expect(Timestamp(rfc3339: "2026-11-22T10:04:05Z")?.description == "2026-11-22T10:04:05Z")
        #expect(Timestamp(rfc3339: "2026-11-22T12:04:05.123+02:00")?.description == "2026-11-22T10:04:05Z")
        #expect(Timestamp(rfc3339: "2026-13-22T10:04:05Z") == nil)
        #expect(Timestamp(rfc3339: "yesterday") == nil)
    }
}

@Suite("Timestamp text")
struct TimestampTextTests {
    @Test(arguments: [Int64(0), 951_782_400, 1_795_000_000, -1, -86_401, 253_402_300_799, 4_102_444_800, 1_709_164_800])
    func formatsAndParsesWithoutLibc(seconds: Int64) throws {
        let stamp = Timestamp(secondsSinceEpoch: seconds)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        #expect(stamp.description == formatter.string(from: stamp.date))
        #expect(Timestamp(rfc3339: stamp.description) == stamp)
    }

    @Test func offsetsFractionsAndRolloverMatchTimegm() {
        #expect(Timestamp(rfc3339: "2026-11-22T10:04:05.123+02:00")?.description == "2026-11-22T08:04:05Z")
        #expect(Timestamp(rfc3339: "2024-02-29T23:59:60Z")?.description == "2024-03-01T00:00:00Z")
        #expect(Timestamp(rfc3339: "2026-02-31T00:00:00Z")?.description == "2026-03-03T00:00:00Z")
        #expect(Timestamp(rfc3339: "2026-11-22 10:04:05Z") == nil)
    }
}
