import StowageAPI
import StowageClient

/// One object of any kind the garbage collector tracks.
public struct ObjectIdentity: Hashable, Sendable, CustomStringConvertible {
    public let kind: String
    public let key: ObjectKey
    public var description: String { "\(kind) \(key)" }
}

/// A kind seen through its informer with the type erased, so the garbage collector can follow ownerReferences
/// across kinds.
struct TrackedKind: Sendable {
    let kind: String
    let namespaced: Bool
    /// The cached metadata of an object.
    let cached: @Sendable (ObjectKey) -> ObjectMeta?
    /// The metadata from the API (when the cache may lag).
    let live: @Sendable (ObjectKey) async throws -> ObjectMeta?
    /// Reads the object from the API, changes its metadata, and writes it back (Conflict is thrown).
    let updateMetadata: @Sendable (ObjectKey, @Sendable (inout ObjectMeta) -> Void) async throws -> Void
    /// Deletes the object (`propagationPolicy` as given; only when its uid is still `uid`).
    let delete: @Sendable (ObjectKey, _ uid: String, _ propagationPolicy: String?) async throws -> Void
    /// Registers a handler for every change of the kind.
    let onChange: @Sendable (@escaping @Sendable (ObjectMeta, _ deleted: Bool) -> Void) -> Void

    init<T: APIObject>(_ informer: Informer<T>, cluster: any Cluster) {
        kind = T.resource.kind
        namespaced = T.resource.namespaced
        cached = { informer.get($0)?.metadata }
        live = { try await cluster.getIfPresent(T.self, $0)?.metadata }
        updateMetadata = { key, change in
            var object = try await cluster.get(T.self, key)
            let before = object.metadata
            change(&object.metadata)
            if object.metadata != before { _ = try await cluster.update(object) }
        }
        delete = { key, uid, policy in
            do {
                _ = try await cluster.delete(T.self, key, options: DeleteOptions(preconditionUID: uid, propagationPolicy: policy))
            } catch let error as APIError where error.reason == .notFound {
                return
            }
        }
        onChange = { handler in
            informer.addHandler { event in
                if case .deleted(let object) = event { handler(object.metadata, true) } else { handler(event.object.metadata, false) }
            }
        }
    }

    func key(_ name: String, namespace: String?) -> ObjectKey {
        ObjectKey(namespace: namespaced ? (namespace ?? "default") : nil, name: name)
    }
}

/// Finalizers of Kubernetes' delete propagation.
public enum PropagationFinalizer {
    /// `propagationPolicy: Foreground`: the owner stays until its dependents are gone.
    public static let foreground = "foregroundDeletion"
    /// `propagationPolicy: Orphan`: the owner's references are removed from its dependents before it goes.
    public static let orphan = "orphan"
}
