import Foundation
import StowageCSI

/// The transport rules: framing, PARSE_ERROR, UNIMPLEMENTED, pipelined requests answered by id.
enum ProtocolChecks {
    static let all: [SanityCheck] = [parseError, unknownMethod, pipelining, severalConnections, oversizedLine, secretsNotEchoed]

    static let parseError = SanityCheck(
        "Protocol/parse-error",
        "a line that is not JSON gets PARSE_ERROR (-32700) with id null, and the connection stays usable"
    ) { context in
        let connection = try context.currentConnection()
        let answers: [[String: Any]]
        do {
            answers = try await connection.exchange(
                ["this is not json\n", #"{"jsonrpc":"2.0","id":"after-garbage","method":"Probe","params":{}}"# + "\n"],
                expecting: 2, timeout: context.configuration.callTimeout)
        } catch {
            context.disconnect()
            throw CheckFailure("after a line that is not JSON: \(error)")
        }
        let error = answers[0]["error"] as? [String: Any]
        let code = (error?["code"] as? NSNumber)?.intValue
        try ensure(code == StatusCode.parseError.rawValue,
                   "a line that is not JSON was answered \(describe(answers[0])); want error.code -32700")
        try ensure(answers[0]["id"] is NSNull, "the PARSE_ERROR answer has id \(answers[0]["id"] ?? "absent"); want null")
        try ensure(answers[1]["id"] as? String == "after-garbage" && answers[1]["result"] != nil,
                   "Probe after the bad line was answered \(describe(answers[1])); want a result for id \"after-garbage\"")
    }

    static let unknownMethod = SanityCheck(
        "Protocol/unknown-method",
        "a well-formed request for an unknown method gets UNIMPLEMENTED (12)"
    ) { context in
        struct Nothing: Codable, Sendable {}
        let connection = try context.currentConnection()
        do {
            let _: Nothing = try await connection.call("NoSuchMethodStowageSanity", Nothing(),
                                                       timeout: context.configuration.callTimeout)
            throw CheckFailure("the unknown method NoSuchMethodStowageSanity succeeded; want UNIMPLEMENTED")
        } catch let error as CSIError {
            try ensure(error.code == .unimplemented,
                       "the unknown method NoSuchMethodStowageSanity was answered \(error.quoted); want UNIMPLEMENTED")
        } catch let failure as CheckFailure {
            throw failure
        } catch {
            context.disconnect()
            throw CheckFailure("unknown method: \(error)")
        }
    }

    static let pipelining = SanityCheck(
        "Protocol/pipelining",
        "16 requests written before reading any answer all get answers carrying their own ids"
    ) { context in
        let connection = try context.currentConnection()
        let methods = (0..<16).map { $0 % 2 == 0 ? "Probe" : "GetPluginInfo" }
        let lines = methods.enumerated().map { index, method in
            #"{"jsonrpc":"2.0","id":\#(1000 + index),"method":"\#(method)","params":{}}"# + "\n"
        }
        let answers: [[String: Any]]
        do {
            answers = try await connection.exchange(lines, expecting: lines.count,
                                                    timeout: context.configuration.callTimeout)
        } catch {
            context.disconnect()
            throw CheckFailure("pipelined requests: \(error)")
        }
        var seen = Set<Int>()
        for answer in answers {
            guard let id = (answer["id"] as? NSNumber)?.intValue, (1000..<1016).contains(id) else {
                throw CheckFailure("a pipelined request was answered with an unexpected id: \(describe(answer))")
            }
            try ensure(answer["result"] != nil, "pipelined \(methods[id - 1000]) (id \(id)) failed: \(describe(answer))")
            seen.insert(id)
        }
        try ensure(seen.count == 16, "16 pipelined requests got answers for only \(seen.count) distinct ids")
    }

    static let severalConnections = SanityCheck(
        "Protocol/several-connections", "four connections used at the same time are all served"
    ) { context in
        let path = context.socketPath
        let timeout = context.configuration.callTimeout
        let connections: [DriverConnection]
        do {
            connections = try (0..<4).map { _ in try DriverConnection.connect(path: path) }
        } catch {
            throw CheckFailure("opening four connections: \(error)")
        }
        defer { connections.forEach { $0.close() } }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for connection in connections {
                    group.addTask {
                        for _ in 0..<8 {
                            _ = try await connection.call("Probe", ProbeRequest(), as: ProbeResponse.self, timeout: timeout)
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            throw CheckFailure("Probe on four concurrent connections: \(error)")
        }
    }

    static let oversizedLine = SanityCheck(
        "Protocol/oversized-line",
        "a line over 4 MiB is refused with INVALID_ARGUMENT (or served) and the driver keeps serving"
    ) { context in
        let padding = String(repeating: "x", count: (4 << 20) + 1024)
        let big = #"{"jsonrpc":"2.0","id":"oversized","method":"Probe","params":{"padding":""# + padding + "\"}}\n"
        let probe = #"{"jsonrpc":"2.0","id":"after-oversized","method":"Probe","params":{}}"# + "\n"
        let connection = try context.currentConnection()
        do {
            let answers = try await connection.exchange([big, probe], expecting: 2, timeout: context.configuration.callTimeout)
            for answer in answers where answer["error"] != nil {
                let code = ((answer["error"] as? [String: Any])?["code"] as? NSNumber)?.intValue
                try ensure(code == StatusCode.invalidArgument.rawValue,
                           "a line over 4 MiB was answered \(describe(answer)); want INVALID_ARGUMENT (3)")
            }
            try ensure(answers.contains { $0["id"] as? String == "after-oversized" && $0["result"] != nil },
                       "Probe after the oversized line was not answered: \(answers.map(describe))")
        } catch let failure as CheckFailure {
            throw failure
        } catch {
            // Closing the connection is acceptable; crashing is not: a new connection must still be served.
            context.disconnect()
            try await context.ok(ProbeRequest(), "on a new connection after a line over 4 MiB (\(error))")
        }
    }

    static let secretsNotEchoed = SanityCheck(
        "Protocol/secrets-not-echoed", "error messages never contain the values of a request's secrets"
    ) { context in
        try context.requireDiscovery()
        let secret = "sanity-secret-\(context.runID)-\(UInt64.random(in: 0...UInt64.max))"
        let secrets = ["password": secret]
        var requests: [any CSIRequest] = []
        if context.controllerCapabilities != nil {
            requests.append(CreateVolumeRequest(name: "", volumeCapabilities: [context.capability()], secrets: secrets))
            requests.append(ValidateVolumeCapabilitiesRequest(volumeId: context.madeUpVolumeID,
                                                              volumeCapabilities: [context.capability()], secrets: secrets))
        }
        if context.stages {
            requests.append(NodeStageVolumeRequest(volumeId: context.madeUpVolumeID, stagingTargetPath: try context.newStagingPath(),
                                                   volumeCapability: context.capability(), secrets: secrets))
        }
        let target = try context.newTargetPath()
        context.registerUnpublish(context.madeUpVolumeID, target)
        requests.append(NodePublishVolumeRequest(volumeId: context.madeUpVolumeID, targetPath: target,
                                                 volumeCapability: context.capability(), secrets: secrets))
        for request in requests {
            if let message = try await context.errorMessage(request) {
                try ensure(!message.contains(secret),
                           "\(type(of: request).method.rawValue) echoed a secret value in its error message")
            }
        }
    }

    static func describe(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            return "\(object)"
        }
        return String(decoding: data.prefix(200), as: UTF8.self)
    }
}
