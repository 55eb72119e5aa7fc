/// PersistentVolume validation, following Kubernetes' `ValidatePersistentVolume` and
/// `ValidatePersistentVolumeUpdate` with their messages and field paths.
extension PersistentVolume {
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Subdomain)
        errors += (spec ?? PersistentVolumeSpec()).validate(path: "spec")
        errors += validateMountOptionsAnnotation()
        return errors
    }

    /// Kubernetes allows changing most of a volume's spec, but not its source, its volume mode, or a node
    /// affinity once set.
    public func validateUpdate(from old: PersistentVolume) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let newSpec = spec ?? PersistentVolumeSpec()
        let oldSpec = old.spec ?? PersistentVolumeSpec()
        var newSource = newSpec.source
        // A controller-expand secret may be added to a CSI volume that had none.
        if oldSpec.csi != nil, oldSpec.csi?.controllerExpandSecretRef == nil {
            newSource.csi?.controllerExpandSecretRef = nil
        }
        if newSource != oldSpec.source {
            errors.append(.forbidden(
                FieldPath("spec").child("persistentvolumesource"),
                "spec.persistentvolumesource is immutable after creation"))
        }
        // Kubernetes reports this one at `volumeMode`, without `spec.`.
        errors += StorageValidation.immutableField(
            newSpec.volumeMode, oldSpec.volumeMode, "volumeMode", shown: StorageValidation.shown(newSpec.volumeMode))
        if oldSpec.nodeAffinity != nil {
            errors += StorageValidation.immutableField(
                newSpec.nodeAffinity, oldSpec.nodeAffinity, "nodeAffinity",
                shown: StorageValidation.shownJSON(newSpec.nodeAffinity))
        }
        return errors
    }

    /// Kubernetes' `checkMountOption`: the legacy mount-options annotation is refused for hostPath volumes.
    private func validateMountOptionsAnnotation() -> [FieldError] {
        guard spec?.hostPath != nil, metadata.annotation(StorageAnnotation.mountOptions) != nil else { return [] }
        return [.forbidden(
            FieldPath("metadata").child("annotations", StorageAnnotation.mountOptions),
            "may not specify mount options for this volume type")]
    }
}

extension PersistentVolumeSpec {
    /// Kubernetes' `ValidatePersistentVolumeSpec` for a standalone PersistentVolume.
    public func validate(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let modes = accessModes ?? []
        if modes.isEmpty { errors.append(.required(path.child("accessModes"))) }
        errors += StorageValidation.accessModes(modes, path.child("accessModes"))
        errors += validateCapacity(path: path.child("capacity"))
        if let storageClassName, !storageClassName.isEmpty {
            errors += StorageValidation.className(storageClassName, path.child("storageClassName"))
        }
        errors += StorageValidation.volumeMode(volumeMode, path.child("volumeMode"))
        if let policy = persistentVolumeReclaimPolicy, !policy.isEmpty,
           !PersistentVolumeReclaimPolicy.forVolumes.contains(policy) {
            errors.append(.notSupported(
                path.child("persistentVolumeReclaimPolicy"), policy, supported: PersistentVolumeReclaimPolicy.forVolumes))
        }
        if let nodeAffinity { errors += nodeAffinity.validate(path: path.child("nodeAffinity")) }
        if let claimRef, (claimRef.name ?? "").isEmpty {
            errors.append(.required(path.child("claimRef", "name")))
        }
        errors += validateSource(path: path)
        return errors
    }

    /// Capacity holds exactly `storage`, and every quantity is positive.
    private func validateCapacity(path: FieldPath) -> [FieldError] {
        let capacity = self.capacity ?? [:]
        if capacity.isEmpty { return [.required(path)] }
        var errors: [FieldError] = []
        for name in capacity.keys.sorted() where name != StorageResourceName.storage {
            errors.append(.notSupported(path, name, supported: [StorageResourceName.storage]))
        }
        if capacity[StorageResourceName.storage] == nil {
            errors.append(.required(path.key(StorageResourceName.storage)))
        }
        for (name, quantity) in capacity.sorted(by: { $0.key < $1.key }) {
            errors += StorageValidation.positiveQuantity(quantity, path.key(name))
        }
        return errors
    }

    /// Exactly one source, valid; mount options not with hostPath; local volumes need node affinity; no
    /// `Recycle` of a hostPath at `/`.
    private func validateSource(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        func add(_ field: String, _ check: () -> [FieldError]) {
            if count > 0 {
                errors.append(.forbidden(path.child(field), "may not specify more than 1 volume type"))
            } else {
                count += 1
                errors += check()
            }
        }
        if let hostPath { add("hostPath") { hostPath.validate(path: path.child("hostPath")) } }
        if let local {
            add("local") {
                var localErrors = local.validate(path: path.child("local"))
                if nodeAffinity == nil {
                    localErrors.append(.required(path.child("nodeAffinity"), "Local volume requires node affinity"))
                }
                return localErrors
            }
        }
        if let csi { add("csi") { csi.validate(path: path.child("csi")) } }
        if count == 0 { errors.append(.required(path, "must specify a volume type")) }
        if hostPath != nil, !(mountOptions ?? []).isEmpty {
            errors.append(.forbidden(path.child("mountOptions"), "may not specify mount options for this volume type"))
        }
        if let hostPathPath = hostPath?.path, Self.isRoot(hostPathPath),
           persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.recycle {
            errors.append(.forbidden(
                path.child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"))
        }
        return errors
    }

    /// Whether `path` cleans to `/` (Go's `path.Clean`), e.g. `/`, `//`, `/./`.
    private static func isRoot(_ path: String) -> Bool {
        path.hasPrefix("/") && path.split(separator: "/").allSatisfy { $0 == "." }
    }
}
