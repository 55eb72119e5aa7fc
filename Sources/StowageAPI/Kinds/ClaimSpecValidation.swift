// TODO(storage-kinds merge): replace the body with the storage branch's PersistentVolumeClaimSpec validation.

/// The checks of a claim spec that the workload kinds need for claim templates (StatefulSet
/// `volumeClaimTemplates`, ephemeral volumes), with Kubernetes' messages (`ValidatePersistentVolumeClaimSpec`).
enum ClaimSpecValidation {
    static let supportedAccessModes = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"]
    static let supportedVolumeModes = ["Block", "Filesystem"]

    static func validate(_ spec: PersistentVolumeClaimSpec, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let modes: [String] = spec.accessModes ?? []
        if modes.isEmpty {
            errors.append(.required(path.child("accessModes"), "at least 1 access mode is required"))
        }
        for mode in modes where !supportedAccessModes.contains(mode) {
            errors.append(.notSupported(path.child("accessModes"), mode, supported: supportedAccessModes))
        }
        let storagePath = path.child("resources").key("storage")
        if let storage = spec.resources?.requests?["storage"] {
            if storage < Quantity(bytes: 0) {
                errors.append(.invalid(storagePath, storage.description, "must be greater than or equal to 0"))
            }
            if storage <= Quantity(bytes: 0) {
                errors.append(.invalid(storagePath, storage.description, "must be greater than zero"))
            }
        } else {
            errors.append(.required(storagePath))
        }
        if let mode = spec.volumeMode, !supportedVolumeModes.contains(mode) {
            errors.append(.notSupported(path.child("volumeMode"), mode, supported: supportedVolumeModes))
        }
        return errors
    }
}
