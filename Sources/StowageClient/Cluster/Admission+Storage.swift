import StowageAPI

/// The storage admission plugins Kubernetes runs on create: storage object in-use protection and the default
/// StorageClass.
extension Admission {
    /// Finalizer every claim carries until no pod uses it.
    public static let pvcProtectionFinalizer = "kubernetes.io/pvc-protection"
    /// Finalizer every volume carries until no claim is bound to it.
    public static let pvProtectionFinalizer = "kubernetes.io/pv-protection"

    /// Mutations of a new object: protection finalizers on claims and volumes, the default class on claims
    /// whose `spec.storageClassName` is absent (nil; "" means "no class" and is kept).
    public static func mutateOnCreate<T: APIObject>(_ object: inout T, in cluster: some Cluster) async throws {
        if var claim = object as? PersistentVolumeClaim {
            claim.metadata.addFinalizer(pvcProtectionFinalizer)
            if claim.spec?.storageClassName == nil, claim.metadata.annotation(StorageAnnotation.betaStorageClass) == nil,
               let name = try await defaultStorageClass(in: cluster) {
                var spec = claim.spec ?? PersistentVolumeClaimSpec()
                spec.storageClassName = name
                claim.spec = spec
            }
            if let cast = claim as? T { object = cast }
        } else if var volume = object as? PersistentVolume {
            volume.metadata.addFinalizer(pvProtectionFinalizer)
            if let cast = volume as? T { object = cast }
        }
    }

    /// The name of the default StorageClass: of the classes annotated
    /// `storageclass.kubernetes.io/is-default-class: "true"`, the newest (then the first by name); nil when none.
    public static func defaultStorageClass(in cluster: some Cluster) async throws -> String? {
        let defaults = try await cluster.listAll(StorageClass.self).filter(\.isDefault)
        let newest = defaults.min { a, b in
            let ta = a.metadata.creationTimestamp?.secondsSinceEpoch ?? 0, tb = b.metadata.creationTimestamp?.secondsSinceEpoch ?? 0
            return ta != tb ? ta > tb : (a.metadata.name ?? "") < (b.metadata.name ?? "")
        }
        return newest?.metadata.name
    }
}
