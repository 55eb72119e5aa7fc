import StowageAPI
import StowageJSON

/// The legacy discovery documents kube-apiserver serves: `/version`, `/api`, `/apis`, and one APIResourceList
/// per group version, built from the kinds' `APIResource`s.
enum DiscoveryDocuments {
    /// The Kubernetes version Stowage's API corresponds to.
    static let kubernetesMinor = "32"
    static let stowageVersion = "0.3.0"

    static func version() -> JSONValue {
        object([
            ("major", .string("1")), ("minor", .string(kubernetesMinor)),
            ("gitVersion", .string("v1.\(kubernetesMinor).0-stowage.\(stowageVersion)")),
            ("gitCommit", .string("")), ("gitTreeState", .string("clean")), ("buildDate", .string("")),
            ("goVersion", .string("swift")), ("compiler", .string("swift")), ("platform", .string("linux/\(architecture)")),
        ])
    }

    static func coreVersions() -> JSONValue {
        object([
            ("kind", .string("APIVersions")), ("versions", .array([.string("v1")])),
            ("serverAddressByClientCIDRs", .array([object([("clientCIDR", .string("0.0.0.0/0")), ("serverAddress", .string(""))])])),
        ])
    }

    /// The named groups (everything but core), in the order of `APIKinds.all`.
    static func groups(_ kinds: [any APIObject.Type] = APIKinds.all) -> [(group: String, version: String)] {
        var seen: [(String, String)] = []
        for kind in kinds where !kind.resource.group.isEmpty {
            if !seen.contains(where: { $0.0 == kind.resource.group && $0.1 == kind.resource.version }) {
                seen.append((kind.resource.group, kind.resource.version))
            }
        }
        return seen
    }

    static func groupList() -> JSONValue {
        object([
            ("kind", .string("APIGroupList")), ("apiVersion", .string("v1")),
            ("groups", .array(groups().map { group($0.group, $0.version) } + SelfReviews.groups.map { group($0, SelfReviews.version) })),
        ])
    }

    static func group(_ name: String, _ version: String) -> JSONValue {
        let groupVersion = object([("groupVersion", .string("\(name)/\(version)")), ("version", .string(version))])
        return object([("name", .string(name)), ("versions", .array([groupVersion])), ("preferredVersion", groupVersion)])
    }

    /// The APIResourceList of a group version, or nil when Stowage serves nothing there.
    static func resourceList(group: String, version: String, kinds: [any APIObject.Type] = APIKinds.all) -> JSONValue? {
        let served = kinds.map { $0.resource }.filter { $0.group == group && $0.version == version }
        guard !served.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for resource in served {
            var verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
            if resource.kind == "Namespace" { verbs.removeAll { $0 == "deletecollection" } }
            var members: [(String, JSONValue)] = [
                ("name", .string(resource.plural)), ("singularName", .string(resource.singular)),
                ("namespaced", .bool(resource.namespaced)), ("kind", .string(resource.kind)),
                ("verbs", .array(verbs.map(JSONValue.string))),
            ]
            if !resource.shortNames.isEmpty { members.append(("shortNames", .array(resource.shortNames.map(JSONValue.string)))) }
            if !resource.categories.isEmpty { members.append(("categories", .array(resource.categories.map(JSONValue.string)))) }
            entries.append(object(members))
            if resource.hasStatusSubresource {
                entries.append(subresource(resource, "status", kind: resource.kind, group: nil, version: nil))
            }
            if resource.kind == "StatefulSet" {
                entries.append(subresource(resource, "scale", kind: "Scale", group: "autoscaling", version: "v1"))
            }
        }
        return object([
            ("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
            ("groupVersion", .string(group.isEmpty ? version : "\(group)/\(version)")), ("resources", .array(entries)),
        ])
    }

    private static func subresource(_ resource: APIResource, _ name: String, kind: String, group: String?, version: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string("\(resource.plural)/\(name)")), ("singularName", .string("")),
            ("namespaced", .bool(resource.namespaced)),
        ]
        if let group { members.append(("group", .string(group))) }
        if let version { members.append(("version", .string(version))) }
        members += [("kind", .string(kind)), ("verbs", .array(["get", "patch", "update"].map(JSONValue.string)))]
        return object(members)
    }

    static func object(_ members: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }

    private static var architecture: String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }
}
