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
        defaultStorageClass(among: try await cluster.listAll(StorageClass.self))?.metadata.name
    }

    /// The default among `classes`: of those annotated default, the newest, then the first by name.
    public static func defaultStorageClass(among classes: [StorageClass]) -> StorageClass? {
        classes.filter(\.isDefault).min { a, b in
            let ta = a.metadata.creationTimestamp?.secondsSinceEpoch ?? 0, tb = b.metadata.creationTimestamp?.secondsSinceEpoch ?? 0
            return ta != tb ? ta > tb : (a.metadata.name ?? "") < (b.metadata.name ?? "")
        }
    }

    /// Kubernetes' PersistentVolumeClaimResize admission: a claim's storage request may only grow when the claim is
    /// bound and its class has `allowVolumeExpansion: true` (shrinking is refused by validation).
    /// - Throws: ``APIError`` Forbidden saying which condition failed.
    public static func admitResize<T: APIObject>(_ object: T, from old: T, in cluster: some Cluster) async throws {
        guard let claim = object as? PersistentVolumeClaim, let previous = old as? PersistentVolumeClaim,
              let requested = claim.storageRequest, let before = previous.storageRequest, before < requested else { return }
        let name = claim.metadata.name ?? ""
        guard previous.status?.phase == PersistentVolumeClaimPhase.bound, !(previous.spec?.volumeName ?? "").isEmpty else {
            throw APIError(.forbidden, "persistentvolumeclaims \"\(name)\" is forbidden: only bound persistent volume claims can be expanded",
                           kind: "persistentvolumeclaims", name: name)
        }
        let className = previous.spec?.storageClassName ?? ""
        let storageClass = className.isEmpty ? nil : try await cluster.getIfPresent(StorageClass.self, ObjectKey(name: className))
        guard storageClass?.allowVolumeExpansion == true else {
            throw APIError(.forbidden, "persistentvolumeclaims \"\(name)\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
                           kind: "persistentvolumeclaims", name: name)
        }
    }
}
