/// PersistentVolumeClaim validation, following Kubernetes' `ValidatePersistentVolumeClaim` and
/// `ValidatePersistentVolumeClaimUpdate` with their messages and field paths.
extension PersistentVolumeClaim {
    public func validate() -> [FieldError] {
        ObjectMetaValidation.validate(metadata, namespaced: true, nameRule: .dns1123Subdomain)
            + (spec ?? PersistentVolumeClaimSpec()).validate(path: "spec")
    }

    /// A claim's spec is immutable except: `volumeName` may be set once, `storageClassName` may go from absent to
    /// a class (a default class appearing later), and a bound claim's storage request may change (growth; a
    /// decrease only above `status.capacity`, to recover from a failed expansion).
    public func validateUpdate(from old: PersistentVolumeClaim) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let newSpec = spec ?? PersistentVolumeClaimSpec()
        let oldSpec = old.spec ?? PersistentVolumeClaimSpec()
        var comparedNew = newSpec
        let comparedOld = oldSpec
        if (oldSpec.volumeName ?? "").isEmpty { comparedNew.volumeName = oldSpec.volumeName }
        if oldSpec.storageClassName == nil, old.metadata.annotation(StorageAnnotation.betaStorageClass) == nil,
           let newClass = newSpec.storageClassName, !newClass.isEmpty {
            comparedNew.storageClassName = nil
        }
        let phase = status?.phase ?? old.status?.phase
        if phase == PersistentVolumeClaimPhase.bound {
            if comparedNew.resources?.requests != nil {
                comparedNew.resources?.requests?[StorageResourceName.storage] =
                    oldSpec.resources?.requests?[StorageResourceName.storage]
            }
            comparedNew.volumeAttributesClassName = oldSpec.volumeAttributesClassName
        }
        if comparedNew != comparedOld {
            errors.append(.forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"))
        }
        errors += validateStorageDecrease(from: old)
        errors += StorageValidation.immutableField(
            newSpec.volumeMode, oldSpec.volumeMode, FieldPath("spec").child("volumeMode"),
            shown: StorageValidation.shown(newSpec.volumeMode))
        return errors
    }

    /// A smaller storage request is refused at or below the old `status.capacity` when it is known, and always
    /// when it is not.
    private func validateStorageDecrease(from old: PersistentVolumeClaim) -> [FieldError] {
        let path = FieldPath("spec").child("resources", "requests", "storage")
        let zero = Quantity(bytes: 0)
        let newSize = storageRequest ?? zero
        let oldSize = old.storageRequest ?? zero
        guard newSize < oldSize else { return [] }
        if let statusSize = old.status?.capacity?[StorageResourceName.storage] {
            return newSize <= statusSize ? [.forbidden(path, "field can not be less than status.capacity")] : []
        }
        return [.forbidden(path, "field can not be less than previous value")]
    }
}

extension PersistentVolumeClaimSpec {
    /// Kubernetes' `ValidatePersistentVolumeClaimSpec`; also used for StatefulSet `volumeClaimTemplates`.
    public func validate(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let modes = accessModes ?? []
        if modes.isEmpty {
            errors.append(.required(path.child("accessModes"), "at least 1 access mode is required"))
        }
        errors += StorageValidation.accessModes(modes, path.child("accessModes"))
        if let storage = resources?.requests?[StorageResourceName.storage] {
            let storagePath = path.child("resources", "requests").key(StorageResourceName.storage)
            errors += StorageValidation.positiveQuantity(storage, storagePath)
        } else {
            errors.append(.required(path.child("resources").key(StorageResourceName.storage)))
        }
        if let storageClassName, !storageClassName.isEmpty {
            errors += StorageValidation.className(storageClassName, path.child("storageClassName"))
        }
        errors += StorageValidation.volumeMode(volumeMode, path.child("volumeMode"))
        errors += validateDataSources(path: path)
        if let volumeAttributesClassName, !volumeAttributesClassName.isEmpty {
            errors += StorageValidation.className(volumeAttributesClassName, path.child("volumeAttributesClassName"))
        }
        return errors
    }

    /// `dataSource` and `dataSourceRef` each name something; core-group sources must be claims; when both are
    /// set they must agree, and a namespaced `dataSourceRef` excludes `dataSource`.
    private func validateDataSources(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let dataSource {
            errors += Self.validateReference(
                apiGroup: dataSource.apiGroup, kind: dataSource.kind, name: dataSource.name,
                path: path.child("dataSource"))
        }
        if let dataSourceRef {
            let refPath = path.child("dataSourceRef")
            errors += Self.validateReference(
                apiGroup: dataSourceRef.apiGroup, kind: dataSourceRef.kind, name: dataSourceRef.name, path: refPath)
            if let namespace = dataSourceRef.namespace, !namespace.isEmpty {
                errors += NameValidation.dns1123Label(namespace).map { .invalid(refPath.child("namespace"), namespace, $0) }
            }
        }
        let dataSourcePath = path.child("dataSource")
        if let namespace = dataSourceRef?.namespace, !namespace.isEmpty {
            if dataSource != nil {
                errors.append(.invalid(
                    path, number: dataSourcePath, "may not be specified when dataSourceRef.namespace is specified"))
            }
        } else if let dataSource, let dataSourceRef,
                  dataSource.apiGroup != dataSourceRef.apiGroup || dataSource.kind != dataSourceRef.kind
                  || dataSource.name != dataSourceRef.name {
            errors.append(.invalid(path, number: dataSourcePath, "must match dataSourceRef"))
        }
        return errors
    }

    /// Kubernetes' `validateDataSource`: name and kind required; in the core group only
    /// `PersistentVolumeClaim` is supported.
    private static func validateReference(apiGroup: String?, kind: String?, name: String?, path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if (name ?? "").isEmpty { errors.append(.required(path.child("name"))) }
        if (kind ?? "").isEmpty { errors.append(.required(path.child("kind"))) }
        if let apiGroup, !apiGroup.isEmpty {
            errors += NameValidation.dns1123Subdomain(apiGroup).map { .invalid(path.child("apiGroup"), apiGroup, $0) }
        } else if kind != PersistentVolumeClaim.resource.kind {
            errors.append(.notSupported(path, kind ?? "", supported: [PersistentVolumeClaim.resource.kind]))
        }
        return errors
    }
}
