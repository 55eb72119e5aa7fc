/// A class of dynamically provisioned storage (storage.k8s.io/v1 StorageClass). Cluster-scoped; has no `spec`:
/// its fields sit at the top level.
public struct StorageClass: APIObject, Hashable {
    public static let resource = APIResource(
        group: "storage.k8s.io", version: "v1", kind: "StorageClass", plural: "storageclasses", namespaced: false,
        shortNames: ["sc"])

    public var metadata: ObjectMeta
    /// The driver that provisions volumes of this class; required, a qualified name.
    public var provisioner: String?
    /// Driver-specific parameters; immutable.
    public var parameters: [String: String]?
    /// A value from ``PersistentVolumeReclaimPolicy`` (`Delete` or `Retain`); defaults to `Delete`.
    public var reclaimPolicy: String?
    /// Mount options given to provisioned volumes.
    public var mountOptions: [String]?
    /// Whether claims of this class may grow.
    public var allowVolumeExpansion: Bool?
    /// A value from ``VolumeBindingMode``; defaults to `Immediate`.
    public var volumeBindingMode: String?
    /// Topologies where volumes may be provisioned; empty means anywhere.
    public var allowedTopologies: [TopologySelectorTerm]?

    public init(
        metadata: ObjectMeta, provisioner: String? = nil, parameters: [String: String]? = nil,
        reclaimPolicy: String? = nil, mountOptions: [String]? = nil, allowVolumeExpansion: Bool? = nil,
        volumeBindingMode: String? = nil, allowedTopologies: [TopologySelectorTerm]? = nil
    ) {
        self.metadata = metadata
        self.provisioner = provisioner
        self.parameters = parameters
        self.reclaimPolicy = reclaimPolicy
        self.mountOptions = mountOptions
        self.allowVolumeExpansion = allowVolumeExpansion
        self.volumeBindingMode = volumeBindingMode
        self.allowedTopologies = allowedTopologies
    }

    /// A class `name` provisioned by `provisioner`, marked as the default class when `isDefault`.
    public init(
        name: String, provisioner: String, parameters: [String: String]? = nil, reclaimPolicy: String? = nil,
        volumeBindingMode: String? = nil, allowVolumeExpansion: Bool? = nil, isDefault: Bool = false
    ) {
        self.init(
            metadata: ObjectMeta(
                name: name, annotations: isDefault ? [StorageAnnotation.isDefaultClass: "true"] : nil),
            provisioner: provisioner, parameters: parameters, reclaimPolicy: reclaimPolicy,
            allowVolumeExpansion: allowVolumeExpansion, volumeBindingMode: volumeBindingMode)
    }

    /// Whether the class carries `storageclass.kubernetes.io/is-default-class: "true"`.
    public var isDefault: Bool { metadata.annotation(StorageAnnotation.isDefaultClass) == "true" }

    /// Kubernetes' defaults: reclaim policy `Delete`, binding mode `Immediate`.
    public mutating func applyDefaults() {
        if reclaimPolicy == nil { reclaimPolicy = PersistentVolumeReclaimPolicy.delete }
        if volumeBindingMode == nil { volumeBindingMode = VolumeBindingMode.immediate }
    }

    /// Kubernetes' `ValidateStorageClass`.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Subdomain)
        let provisioner = self.provisioner ?? ""
        if provisioner.isEmpty {
            errors.append(.required("provisioner"))
        } else {
            errors += StorageValidation.qualifiedName(provisioner.lowercased(), "provisioner")
        }
        errors += validateParameters()
        if let reclaimPolicy, !reclaimPolicy.isEmpty, !PersistentVolumeReclaimPolicy.forClasses.contains(reclaimPolicy) {
            errors.append(.notSupported("reclaimPolicy", reclaimPolicy, supported: PersistentVolumeReclaimPolicy.forClasses))
        }
        if let volumeBindingMode {
            if !VolumeBindingMode.all.contains(volumeBindingMode) {
                errors.append(.notSupported("volumeBindingMode", volumeBindingMode, supported: VolumeBindingMode.all))
            }
        } else {
            errors.append(.required("volumeBindingMode"))
        }
        var seen: [[String: Set<String>]] = []
        for (index, term) in (allowedTopologies ?? []).enumerated() {
            let termPath = FieldPath("allowedTopologies").index(index)
            errors += term.validate(path: termPath)
            if seen.contains(term.valueSets) {
                errors.append(.duplicate(termPath.child("matchLabelExpressions"), ""))
            }
            seen.append(term.valueSets)
        }
        return errors
    }

    /// Kubernetes' `ValidateStorageClassUpdate`: parameters, provisioner, reclaim policy and binding mode are
    /// fixed at creation.
    public func validateUpdate(from old: StorageClass) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        if (parameters ?? [:]) != (old.parameters ?? [:]) {
            errors.append(.forbidden("parameters", "updates to parameters are forbidden."))
        }
        if provisioner != old.provisioner {
            errors.append(.forbidden("provisioner", "updates to provisioner are forbidden."))
        }
        if reclaimPolicy != old.reclaimPolicy {
            errors.append(.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
        }
        errors += StorageValidation.immutableField(
            volumeBindingMode, old.volumeBindingMode, "volumeBindingMode",
            shown: StorageValidation.shown(volumeBindingMode))
        return errors
    }

    /// Kubernetes' `validateParameters`: at most 512 entries, no empty key, at most 256 KiB in all.
    private func validateParameters() -> [FieldError] {
        let parameters = self.parameters ?? [:]
        if parameters.count > 512 { return [.tooLong("parameters", maxLength: 512)] }
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in parameters {
            if key.isEmpty { errors.append(.invalid("parameters", key, "field can not be empty.")) }
            total += key.utf8.count + value.utf8.count
        }
        if total > 256 * 1024 { errors.append(.tooLong("parameters", maxLength: 256 * 1024)) }
        return errors
    }
}
