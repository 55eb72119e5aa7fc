/// Every kind Stowage serves, for decoding manifests by `apiVersion` + `kind` and for discovery.
/// Add a kind here when you add its type.
public enum APIKinds {
    /// All modeled kinds.
    public static let all: [any APIObject.Type] = [
        Namespace.self,
        // storage kinds
        PersistentVolume.self,
        PersistentVolumeClaim.self,
        StorageClass.self,
        CSIDriver.self,
        CSINode.self,
        CSIStorageCapacity.self,
        Node.self,
        Event.self,
        // workload kinds
        Pod.self,
        StatefulSet.self,
        ControllerRevision.self,
    ]

    /// The type for `apiVersion` and `kind`, or nil when Stowage does not model it.
    public static func type(apiVersion: String, kind: String) -> (any APIObject.Type)? {
        all.first { $0.resource.apiVersion == apiVersion && $0.resource.kind == kind }
    }

    /// The type whose plural, singular, kind or short name is `name` (case-insensitive), as kubectl resolves
    /// resource arguments (`pvc`, `persistentvolumeclaims`, `PersistentVolumeClaim`).
    public static func type(named name: String) -> (any APIObject.Type)? {
        let lower = name.lowercased()
        return all.first {
            let r = $0.resource
            return r.plural == lower || r.singular == lower || r.shortNames.contains(lower) || r.storageKey == lower
        }
    }
}
