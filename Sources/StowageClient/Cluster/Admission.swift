import StowageAPI

/// The admission steps every write goes through, in one place: namespace defaulting and lifecycle, defaults,
/// validation. Shared by ``LocalCluster`` and the HTTP server.
public enum Admission {
    /// Namespaced objects without a namespace go to `default` (what kubectl does); cluster-scoped objects lose a
    /// stray empty namespace.
    public static func normalizeNamespace<T: APIObject>(_ object: inout T) {
        if T.resource.namespaced {
            if (object.metadata.namespace ?? "").isEmpty { object.metadata.namespace = "default" }
        } else if object.metadata.namespace?.isEmpty == true {
            object.metadata.namespace = nil
        }
    }

    /// `key` with the namespace defaulted (namespaced kinds) or dropped (cluster-scoped kinds).
    public static func scoped<T: APIObject>(_ key: ObjectKey, for type: T.Type) -> ObjectKey {
        T.resource.namespaced ? ObjectKey(namespace: key.namespace ?? "default", name: key.name) : ObjectKey(name: key.name)
    }

    /// Refuses objects in a namespace that does not exist (404, as Kubernetes) or is being deleted (403).
    public static func requireLiveNamespace<T: APIObject>(of object: T, in cluster: some Cluster) async throws {
        guard T.resource.namespaced, let namespace = object.metadata.namespace else { return }
        let found = try await cluster.getIfPresent(Namespace.self, ObjectKey(name: namespace))
        guard let found else { throw APIError.notFound(Namespace.resource, namespace) }
        if found.metadata.isBeingDeleted {
            throw APIError(.forbidden, "\(T.resource.plural) \"\(object.metadata.name ?? object.metadata.generateName ?? "")\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                           group: T.resource.group, kind: T.resource.plural, name: object.metadata.name)
        }
    }

    /// Throws ``APIError`` Invalid listing every problem of a new object.
    public static func validate<T: APIObject>(_ object: T) throws {
        let problems = object.validate()
        if !problems.isEmpty {
            throw APIError.invalid(T.resource, object.metadata.name ?? object.metadata.generateName ?? "", problems)
        }
    }

    /// Throws ``APIError`` Invalid listing every problem of an update of `old` into `object`.
    public static func validateUpdate<T: APIObject>(_ object: T, from old: T) throws {
        var problems = object.validate()
        for problem in object.validateUpdate(from: old) where !problems.contains(problem) { problems.append(problem) }
        if !problems.isEmpty {
            throw APIError.invalid(T.resource, object.metadata.name ?? "", problems)
        }
    }

    /// Parses a `resourceVersion` query value: nil or empty for "from now", otherwise a revision number.
    public static func revision(_ resourceVersion: String?) throws -> Int64? {
        guard let resourceVersion, !resourceVersion.isEmpty else { return nil }
        guard let revision = Int64(resourceVersion), revision >= 0 else {
            throw APIError.badRequest("invalid resourceVersion \"\(resourceVersion)\": must be a non-negative integer")
        }
        return revision == 0 ? nil : revision
    }
}
