import StowageAPI
import StowageJSON

/// Request bodies in Kubernetes protobuf (`application/vnd.kubernetes.protobuf`), as the JSON they stand for.
/// kubectl's typed clients send protobuf for the few commands that use them — `kubectl create namespace`, the
/// DeleteOptions of `kubectl drain`'s pod deletions, and the reviews of `kubectl auth can-i` and `kubectl auth
/// whoami` — so those kinds are read; any other gets 415 asking for JSON. Fields Stowage does not model are not read; answers are always JSON, which those clients
/// read as well.
enum ProtobufBodies {
    /// The kinds read from protobuf.
    static let kinds = ["Namespace", "DeleteOptions", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SelfSubjectReview"]

    /// The JSON object `bytes` (an enveloped object) stands for.
    /// - Throws: ``APIError`` BadRequest for bytes that are not a readable envelope, UnsupportedMediaType for a
    ///   kind not read from protobuf.
    static func json(_ bytes: [UInt8]) throws -> JSONValue {
        let (apiVersion, kind, message) = try KubernetesEnvelope.open(bytes)
        guard let kind, kinds.contains(kind) else {
            throw APIError(.unsupportedMediaType, "Stowage reads protobuf bodies only for \(kinds.joined(separator: ", ")); send \(kind ?? "this object") as application/json or application/yaml")
        }
        var members: [(String, JSONValue)] = [("kind", .string(kind))]
        if let apiVersion { members.append(("apiVersion", .string(apiVersion))) }
        do {
            if kind == "DeleteOptions" { return DiscoveryDocuments.object(members + (try deleteOptions(message))) }
            if let metadata = try message.messages(1).last { members.append(("metadata", try objectMeta(metadata))) }
            // A SelfSubjectReview's field 2 is its status, which a request does not set: not read.
            if kind != "SelfSubjectReview", let spec = try message.messages(2).last { members.append(("spec", try self.spec(of: kind, spec))) }
        } catch {
            throw APIError.badRequest("the protobuf \(kind) could not be read: \(error)")
        }
        return DiscoveryDocuments.object(members)
    }

    /// `ObjectMeta`: name 1, generateName 2, namespace 3, uid 5, resourceVersion 6 (so an update keeps its
    /// precondition), labels 11, annotations 12 (map entries: key 1, value 2), finalizers 14. Other
    /// server-managed fields are left out: a write ignores them.
    static func objectMeta(_ message: ProtobufFields) throws(ProtobufFields.Malformed) -> JSONValue {
        var members: [(String, JSONValue)] = []
        // Kubernetes' encoders write these strings even when empty; empty means unset.
        for (field, name) in [(1, "name"), (2, "generateName"), (3, "namespace"), (5, "uid"), (6, "resourceVersion")] {
            if let value = message.string(field), !value.isEmpty { members.append((name, .string(value))) }
        }
        for (field, name) in [(11, "labels"), (12, "annotations")] where message.has(field) {
            var entries: [(String, JSONValue)] = []
            for entry in try message.messages(field) {
                entries.append((entry.string(1) ?? "", .string(entry.string(2) ?? "")))
            }
            members.append((name, DiscoveryDocuments.object(entries)))
        }
        if message.has(14) { members.append(("finalizers", .array(message.strings(14).map(JSONValue.string)))) }
        return DiscoveryDocuments.object(members)
    }

    /// `DeleteOptions`: gracePeriodSeconds 1 (an int64), preconditions 2 (uid 1, resourceVersion 2),
    /// orphanDependents 3, propagationPolicy 4, dryRun 5.
    private static func deleteOptions(_ message: ProtobufFields) throws(ProtobufFields.Malformed) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let grace = message.varints(1).last { members.append(("gracePeriodSeconds", .number(String(Int64(bitPattern: grace))))) }
        if let preconditions = try message.messages(2).last {
            var fields: [(String, JSONValue)] = []
            if let uid = preconditions.string(1) { fields.append(("uid", .string(uid))) }
            if let version = preconditions.string(2) { fields.append(("resourceVersion", .string(version))) }
            members.append(("preconditions", DiscoveryDocuments.object(fields)))
        }
        if let orphan = message.varints(3).last { members.append(("orphanDependents", .bool(orphan != 0))) }
        if let policy = message.string(4) { members.append(("propagationPolicy", .string(policy))) }
        if message.has(5) { members.append(("dryRun", .array(message.strings(5).map(JSONValue.string)))) }
        return members
    }

    /// The spec of each kind read: a namespace's finalizers (1); an access review's resource (1: namespace,
    /// verb, group, version, resource, subresource, name as fields 1–7) or non-resource (2: path, verb)
    /// attributes; a rules review's namespace (1). A SelfSubjectReview has none.
    private static func spec(of kind: String, _ spec: ProtobufFields) throws(ProtobufFields.Malformed) -> JSONValue {
        func strings(_ message: ProtobufFields, _ names: [String]) -> JSONValue {
            DiscoveryDocuments.object(names.enumerated().compactMap { index, name in message.string(index + 1).map { (name, .string($0)) } })
        }
        var members: [(String, JSONValue)] = []
        switch kind {
        case "Namespace":
            if spec.has(1) { members.append(("finalizers", .array(spec.strings(1).map(JSONValue.string)))) }
        case "SelfSubjectAccessReview":
            if let attributes = try spec.messages(1).last {
                members.append(("resourceAttributes", strings(attributes, ["namespace", "verb", "group", "version", "resource", "subresource", "name"])))
            }
            if let attributes = try spec.messages(2).last {
                members.append(("nonResourceAttributes", strings(attributes, ["path", "verb"])))
            }
        case "SelfSubjectRulesReview":
            if let namespace = spec.string(1) { members.append(("namespace", .string(namespace))) }
        default:
            break
        }
        return DiscoveryDocuments.object(members)
    }
}
