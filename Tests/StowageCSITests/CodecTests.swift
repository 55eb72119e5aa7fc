import Foundation
import Testing
@testable import StowageCSI
import StowageJSON

/// Decodes with the shared tree decoder and checks that `JSONDecoder` agrees (both succeed with equal
/// values, or both fail).
private func decode<T: Decodable & Equatable>(_ type: T.Type, _ json: String) throws -> T {
    let reference = Result { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }
    let fast = Result { try JSONTreeDecoder().decode(T.self, from: Array(json.utf8)) }
    switch (fast, reference) {
    case (.success(let a), .success(let b)): #expect(a == b, "decoders disagree on \(json)")
    case (.failure, .failure): break
    default: Issue.record("one decoder failed on \(json): fast \(fast), JSONDecoder \(reference)")
    }
    return try fast.get()
}

private func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

@Suite("proto3 JSON codec")
struct CodecTests {
    @Test func int64AcceptsNumbersAndDecimalStrings() throws {
        #expect(try decode(CapacityRange.self, #"{"requiredBytes":1073741824,"limitBytes":"2147483648"}"#)
            == CapacityRange(requiredBytes: 1 << 30, limitBytes: 2 << 30))
        #expect(try decode(CapacityRange.self, #"{"requiredBytes":"9223372036854775807"}"#).requiredBytes == Int64.max)
        #expect(try encode(CapacityRange(requiredBytes: 5)) == #"{"requiredBytes":5}"#)
        #expect(throws: DecodingError.self) { try decode(CapacityRange.self, #"{"requiredBytes":"12x"}"#) }
        #expect(throws: (any Error).self) { try decode(CapacityRange.self, #"{"requiredBytes":1e400}"#) }
        #expect(try decode(GetCapacityResponse.self, #"{"availableCapacity":"10","maximumVolumeSize":"7"}"#)
            == GetCapacityResponse(availableCapacity: 10, maximumVolumeSize: 7))
    }

    @Test func enumsByNameKeepUnknownValuesAndAcceptNumbers() throws {
        let known = try decode(VolumeCapability.AccessMode.self, #"{"mode":"SINGLE_NODE_WRITER"}"#)
        #expect(known.mode == .singleNodeWriter && known.mode.isKnown)
        let future = try decode(VolumeCapability.AccessMode.self, #"{"mode":"SOME_FUTURE_MODE"}"#)
        #expect(future.mode.rawValue == "SOME_FUTURE_MODE" && !future.mode.isKnown)
        #expect(try encode(future) == #"{"mode":"SOME_FUTURE_MODE"}"#)
        #expect(try decode(VolumeCapability.AccessMode.self, #"{"mode":7}"#).mode == .singleNodeMultiWriter)
        #expect(try decode(VolumeUsage.self, #"{"unit":"INODES","used":"3"}"#) == VolumeUsage(used: 3, unit: .inodes))
        #expect(try encode(ControllerServiceCapability.rpc(.expandVolume)) == #"{"rpc":{"type":"EXPAND_VOLUME"}}"#)
        #expect(try encode(NodeServiceCapability.rpc(.stageUnstageVolume)) == #"{"rpc":{"type":"STAGE_UNSTAGE_VOLUME"}}"#)
    }

    @Test func oneofIsTheSinglePresentKey() throws {
        #expect(try encode(VolumeCapability.mount(fsType: "ext4", mode: .singleNodeWriter))
            == #"{"accessMode":{"mode":"SINGLE_NODE_WRITER"},"mount":{"fsType":"ext4"}}"#)
        #expect(try encode(VolumeCapability.block(mode: .multiNodeMultiWriter))
            == #"{"accessMode":{"mode":"MULTI_NODE_MULTI_WRITER"},"block":{}}"#)
        let mount = try decode(VolumeCapability.self, #"{"mount":{"fsType":"xfs","mountFlags":["noatime"]},"accessMode":{"mode":"SINGLE_NODE_SINGLE_WRITER"}}"#)
        #expect(mount.accessType == .mount(.init(fsType: "xfs", mountFlags: ["noatime"])))
        #expect(mount.accessMode?.mode == .singleNodeSingleWriter)
        #expect(try decode(VolumeCapability.self, #"{"block":{}}"#).accessType == .block(.init()))
        #expect(try decode(VolumeCapability.self, #"{}"#).accessType == nil)
        #expect(try decode(VolumeContentSource.self, #"{"snapshot":{"snapshotId":"snap-1"}}"#) == .snapshot(snapshotId: "snap-1"))
        #expect(try encode(VolumeContentSource.volume(volumeId: "v")) == #"{"volume":{"volumeId":"v"}}"#)
        let caps = try decode(GetPluginCapabilitiesResponse.self,
            #"{"capabilities":[{"service":{"type":"CONTROLLER_SERVICE"}},{"volumeExpansion":{"type":"ONLINE"}},{"somethingNew":{}}]}"#)
        #expect(caps.capabilities == [.service(.controllerService), .volumeExpansion(.online), .unknown])
    }

    @Test func unknownFieldsAreIgnoredAndAbsentFieldsDefault() throws {
        let request = try decode(NodePublishVolumeRequest.self,
            #"{"volumeId":"v1","targetPath":"/t","futureField":{"x":[1,2]},"readonly":true,"publishContext":null}"#)
        #expect(request.volumeId == "v1" && request.targetPath == "/t" && request.readonly)
        #expect(request.stagingTargetPath == "" && request.publishContext == [:] && request.volumeCapability == nil)
        let empty = try decode(CreateVolumeRequest.self, "{}")
        #expect(empty == CreateVolumeRequest())
    }

    @Test func absentAndDefaultFieldsAreOmitted() throws {
        #expect(try encode(CreateVolumeRequest(name: "pvc-1")) == #"{"name":"pvc-1"}"#)
        #expect(try encode(ProbeResponse()) == "{}")
        #expect(try encode(ProbeResponse(ready: false)) == #"{"ready":false}"#)
        #expect(try encode(NodeGetInfoResponse(nodeId: "box", accessibleTopology: Topology(segments: ["zone": "a"])))
            == #"{"accessibleTopology":{"segments":{"zone":"a"}},"nodeId":"box"}"#)
    }

    @Test func fullCreateVolumeRequestMatchesTheProtocolPage() throws {
        let json = #"""
        {"name":"pvc-1","capacityRange":{"requiredBytes":"1073741824"},
         "volumeCapabilities":[{"mount":{"fsType":"ext4","mountFlags":[]},"accessMode":{"mode":"SINGLE_NODE_WRITER"}}],
         "parameters":{"type":"fast"},"secrets":{"token":"s"},
         "volumeContentSource":{"volume":{"volumeId":"src"}},
         "accessibilityRequirements":{"requisite":[{"segments":{"node":"a"}}],"preferred":[{"segments":{"node":"a"}}]}}
        """#
        let request = try decode(CreateVolumeRequest.self, json)
        #expect(request.capacityRange?.requiredBytes == 1 << 30)
        #expect(request.volumeCapabilities.first?.accessType == .mount(.init(fsType: "ext4")))
        #expect(request.secrets == ["token": "s"] && request.parameters == ["type": "fast"])
        #expect(request.volumeContentSource == .volume(volumeId: "src"))
        #expect(request.accessibilityRequirements?.preferred.first?.segments == ["node": "a"])
        #expect(try decode(CreateVolumeRequest.self, try encode(request)) == request)
    }

    @Test func statusCodesHaveGRPCNumbersAndNames() {
        #expect(StatusCode.ok.rawValue == 0 && StatusCode.unauthenticated.rawValue == 16)
        #expect(StatusCode.unimplemented.name == "UNIMPLEMENTED")
        #expect(StatusCode(name: "ALREADY_EXISTS") == .alreadyExists)
        #expect(StatusCode.parseError.name == "PARSE_ERROR")
        #expect(StatusCode(rawValue: 99).name == "CODE_99")
        let line = String(decoding: JSONText.failure(id: .number(7), error: CSIError(.alreadyExists, "volume \"x\" exists")), as: UTF8.self)
        #expect(line == #"{"jsonrpc":"2.0","id":7,"error":{"code":6,"message":"volume \"x\" exists","data":{"status":"ALREADY_EXISTS"}}}"# + "\n")
    }

    @Test func redactionReplacesSecretsAtAnyDepth() throws {
        let json = Data(#"{"params":{"secrets":{"password":"hunter2"},"nested":[{"secrets":{"k":"v"}}]}}"#.utf8)
        let text = try #require(Redaction.redactSecrets(inJSON: json))
        #expect(!text.contains("hunter2") && text.contains("[REDACTED]"))
        #expect(Redaction.scrub("bad password hunter2", secrets: ["hunter2"]) == "bad password [REDACTED]")
    }
}

@Suite("JSONStreamEncoder matches JSONEncoder on every message shape")
struct StreamEncoderMessageTests {
    private func same(_ value: some Encodable) throws {
        let fast = try JSONStreamEncoder().encode(value)
        let reference = try JSONEncoder().encode(value)
        func canonical(_ data: Data) throws -> Data {
            try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
                                       options: [.sortedKeys, .fragmentsAllowed])
        }
        #expect(try canonical(Data(fast)) == canonical(reference),
                "\(String(decoding: fast, as: UTF8.self)) vs \(String(decoding: reference, as: UTF8.self))")
    }

    @Test func everyShapeOfMessage() throws {
        try same(ProbeRequest())
        try same(ProbeResponse(ready: false))
        try same(CreateVolumeRequest(name: "pvc \"quoted\" \\ back\nslash\t\u{1}é✓", capacityRange: .init(requiredBytes: Int64.max, limitBytes: -1),
            volumeCapabilities: [.mount(fsType: "ext4", mountFlags: ["ro", "noatime"], mode: .singleNodeWriter), .block(mode: .multiNodeReaderOnly)],
            parameters: ["a": "b", "c": ""], secrets: ["k": "v"], volumeContentSource: .snapshot(snapshotId: "s"),
            accessibilityRequirements: .init(requisite: [.init(segments: ["n": "1"])], preferred: [])))
        try same(GetPluginCapabilitiesResponse(capabilities: [.service(.controllerService), .volumeExpansion(.offline), .unknown]))
        try same(NodeGetVolumeStatsResponse(usage: [VolumeUsage(available: 1, total: 2, used: 1, unit: .bytes)],
                                            volumeCondition: .init(abnormal: true, message: "bad")))
        try same(ListVolumesResponse(entries: [.init(volume: Volume(volumeId: "v", contentSource: .volume(volumeId: "w")),
                                                     status: .init(publishedNodeIds: ["n1", "n2"]))], nextToken: "t"))
        try same(GetCapacityResponse(availableCapacity: 5, maximumVolumeSize: 0))
        try same(["nested": [[1, 2], [], [3]]])
        try same([String]())
        try same(1.5)
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode(Double.nan) }
    }
}
