/// Describes where a kind lives in the Kubernetes API: its group, version, kind, plural resource name, scope,
/// short names and categories, exactly as discovery reports them.
public struct APIResource: Sendable, Hashable {
    /// API group; empty for the core group (`v1`).
    public var group: String
    /// API version within the group, e.g. `v1`.
    public var version: String
    /// The kind, e.g. `PersistentVolumeClaim`.
    public var kind: String
    /// The plural resource name used in paths, e.g. `persistentvolumeclaims`.
    public var plural: String
    /// Whether objects of this kind live in a namespace.
    public var namespaced: Bool
    /// Short names kubectl accepts (`pvc`).
    public var shortNames: [String]
    /// Categories such as `all`.
    public var categories: [String]
    /// Whether the kind has a `status` subresource (updates to the main resource keep the stored status).
    public var hasStatusSubresource: Bool

    public init(
        group: String, version: String, kind: String, plural: String, namespaced: Bool,
        shortNames: [String] = [], categories: [String] = [], hasStatusSubresource: Bool = false
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.categories = categories
        self.hasStatusSubresource = hasStatusSubresource
    }

    /// `v1` for the core group, `group/version` otherwise — the value of an object's `apiVersion`.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The singular, lower-cased name (`persistentvolumeclaim`).
    public var singular: String { kind.lowercased() }

    /// The key under which the store files objects of this kind (`persistentvolumeclaims` or
    /// `statefulsets.apps`), unique across groups; also how Kubernetes names the resource in messages.
    public var storageKey: String { group.isEmpty ? plural : "\(plural).\(group)" }
}

extension APIResource {
    /// How kubectl names the kind in its messages: `persistentvolumeclaim`, `storageclass.storage.k8s.io`,
    /// `statefulset.apps`.
    public var kubectlName: String { group.isEmpty ? singular : "\(singular).\(group)" }
}
