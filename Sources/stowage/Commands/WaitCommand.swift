import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageJSON

/// `stowage wait KIND/NAME... --for=…`: block until objects reach a state, as `kubectl wait` does.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until objects satisfy a condition: --for=jsonpath='{.status.phase}'=Bound, --for=condition=Ready, --for=delete.",
        discussion: "An object that does not exist yet is waited for until the timeout (kubectl wait fails at once): a StatefulSet's pod being made again can be waited on right after its deletion.")

    @Argument(help: ArgumentHelp("Objects as KIND/NAME (pvc/data, pod/web-0).", valueName: "kind/name"))
    var targets: [String]

    @Option(name: .customLong("for"), help: ArgumentHelp("jsonpath=TEMPLATE=VALUE, jsonpath=TEMPLATE, condition=TYPE[=STATUS], or delete.", valueName: "condition"))
    var condition: String

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace (default: default).")
    var namespace: String = "default"

    @Option(help: ArgumentHelp("How long to wait (30s, 2m, 1h); default 30s.", valueName: "duration"))
    var timeout: String = "30s"

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let goal = try WaitGoal.parse(condition)
        let limit = try Self.duration(timeout)
        var resolved: [(any APIObject.Type, String)] = []
        for target in targets {
            let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else { throw ValidationError("\"\(target)\" is not KIND/NAME (e.g. pvc/data)") }
            resolved.append((try CommandFailure.kind(named: parts[0]), parts[1]))
        }
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                for (type, name) in resolved {
                    try await waitFor(type, name, goal: goal, cluster: cluster, limit: limit)
                }
            }
        }
    }

    private func waitFor<T: APIObject>(_ type: T.Type, _ name: String, goal: WaitGoal, cluster: any Cluster, limit: Duration) async throws {
        let key = ObjectKey(namespace: T.resource.namespaced ? namespace : nil, name: name)
        let label = "\(T.resource.kubectlName)/\(name)"
        if case .delete = goal {
            guard let object = try await cluster.getIfPresent(type, key) else { print("\(label) condition met"); return }
            try await Self.untilGone(type, key, uid: object.metadata.uid, cluster: cluster, limit: limit)
            print("\(label) condition met")
            return
        }
        let met = try await Self.within(limit, failure: "timed out waiting for the condition on \(T.resource.plural)/\(name)") {
            // An object that does not exist yet (a StatefulSet's pod being made again) is waited for.
            var found = try await cluster.getIfPresent(type, key)
            while found == nil {
                try await Task.sleep(for: .milliseconds(100))
                found = try await cluster.getIfPresent(type, key)
            }
            guard var current = found else { return false }
            while true {
                if try goal.isSatisfied(by: APICodec.tree(current)) { return true }
                let events = try await cluster.watch(type, WatchOptions(namespace: key.namespace, fieldSelector: "metadata.name=\(name)",
                                                                       resourceVersion: current.metadata.resourceVersion))
                var changed = false
                for try await event in events {
                    if event.type == .deleted { throw CommandFailure("\(label) was deleted while waiting for the condition") }
                    current = event.object
                    changed = true
                    if try goal.isSatisfied(by: APICodec.tree(current)) { return true }
                }
                // The watch ended (server timeout): read again and start over.
                if !changed { current = try await cluster.get(type, key) }
            }
        }
        if met { print("\(label) condition met") }
    }

    /// Waits until the object with `uid` no longer exists (a re-created object of the same name does not count).
    static func untilGone<T: APIObject>(_ type: T.Type, _ key: ObjectKey, uid: String?, cluster: any Cluster, limit: Duration) async throws {
        _ = try await within(limit, failure: "timed out waiting for the condition on \(T.resource.plural)/\(key.name)") {
            while true {
                guard let current = try await cluster.getIfPresent(type, key), current.metadata.uid == uid else { return true }
                let events = try await cluster.watch(type, WatchOptions(namespace: key.namespace, fieldSelector: "metadata.name=\(key.name)",
                                                                       resourceVersion: current.metadata.resourceVersion))
                for try await event in events where event.type == .deleted && event.object.metadata.uid == uid { return true }
            }
        }
    }

    /// Runs `body`, failing with `failure` if it takes longer than `limit`.
    static func within(_ limit: Duration, failure: String, _ body: @escaping @Sendable () async throws -> Bool) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw CommandFailure(failure) }
            return result
        }
    }

    /// Parses kubectl durations: `30s`, `2m`, `1h`, `500ms`, or plain seconds.
    static func duration(_ text: String) throws -> Duration {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let value = Double(number), value >= 0, !(suffix == "s" && number.hasSuffix("m")) {
                return .milliseconds(Int64(value * scale * 1000))
            }
        }
        if let seconds = Double(text), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        throw ValidationError("--timeout \"\(text)\" is not a duration (e.g. 30s, 2m, 1h)")
    }
}

/// What `--for` asks for.
enum WaitGoal {
    case delete
    case condition(type: String, status: String)
    case jsonPath(JSONPathTemplate, value: String?)

    static func parse(_ text: String) throws -> WaitGoal {
        if text == "delete" { return .delete }
        if text.hasPrefix("condition=") {
            let body = text.dropFirst("condition=".count)
            let parts = body.split(separator: "=", maxSplits: 1).map(String.init)
            guard let type = parts.first, !type.isEmpty else { throw ValidationError("--for=condition= needs a condition type, e.g. condition=Ready") }
            return .condition(type: type, status: parts.count > 1 ? parts[1] : "True")
        }
        if text.hasPrefix("jsonpath=") {
            let body = String(text.dropFirst("jsonpath=".count))
            // The template is `{…}` (quotes optional); what follows `}=` is the expected value.
            var template = body
            var value: String?
            if let close = body.lastIndex(of: "}") {
                template = String(body[...close])
                let rest = body[body.index(after: close)...]
                if rest.hasPrefix("=") { value = String(rest.dropFirst()) } else if !rest.isEmpty {
                    throw ValidationError("--for=\(text): expected =VALUE after the JSONPath template")
                }
            } else if let equals = body.firstIndex(of: "=") {
                template = String(body[..<equals])
                value = String(body[body.index(after: equals)...])
            }
            template = template.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            value = value?.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            return .jsonPath(try JSONPathTemplate(template), value: value)
        }
        throw ValidationError("--for=\(text): expected delete, condition=TYPE[=STATUS] or jsonpath=TEMPLATE[=VALUE]")
    }

    func isSatisfied(by document: JSONValue) -> Bool {
        switch self {
        case .delete:
            return false
        case .condition(let type, let status):
            let conditions = document["status"]?["conditions"]?.arrayValue ?? []
            return conditions.contains { $0["type"]?.stringValue?.lowercased() == type.lowercased()
                && $0["status"]?.stringValue?.lowercased() == status.lowercased() }
        case .jsonPath(let template, let value):
            let found = template.values(document)
            guard let value else { return !found.isEmpty }
            return found.contains { JSONPathTemplate.text($0) == value }
        }
    }
}
