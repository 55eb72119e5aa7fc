/// The storage a driver can provision for one class in one topology segment (storage.k8s.io/v1
/// CSIStorageCapacity). Namespaced (the driver's namespace); its fields sit at the top level.
public struct CSIStorageCapacity: APIObject, Hashable {
    public static let resource = APIResource(
        group: "storage.k8s.io", version: "v1", kind: "CSIStorageCapacity", plural: "csistoragecapacities",
        namespaced: true)

    public var metadata: ObjectMeta
    /// The nodes this capacity applies to; absent means none.
    public var nodeTopology: LabelSelector?
    /// The StorageClass this capacity was reported for; required.
    public var storageClassName: String?
    /// Free capacity (GetCapacity's `available_capacity`); absent means unknown.
    public var capacity: Quantity?
    /// The largest single volume that can be created (GetCapacity's `maximum_volume_size`).
    public var maximumVolumeSize: Quantity?

    public init(
        metadata: ObjectMeta, nodeTopology: LabelSelector? = nil, storageClassName: String? = nil,
        capacity: Quantity? = nil, maximumVolumeSize: Quantity? = nil
    ) {
        self.metadata = metadata
        self.nodeTopology = nodeTopology
        self.storageClassName = storageClassName
        self.capacity = capacity
        self.maximumVolumeSize = maximumVolumeSize
    }

    /// Kubernetes' `ValidateCSIStorageCapacity`: a valid class name and a non-negative capacity
    /// (`maximumVolumeSize` is not checked, as in Kubernetes). The node topology selector's own rules belong to
    /// label-selector validation.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: true, nameRule: .dns1123Subdomain)
        errors += StorageValidation.className(storageClassName ?? "", "storageClassName")
        if let capacity { errors += StorageValidation.nonNegativeQuantity(capacity, "capacity") }
        return errors
    }

    /// Kubernetes' `ValidateCSIStorageCapacityUpdate`: the inputs of GetCapacity (topology and class) are fixed.
    public func validateUpdate(from old: CSIStorageCapacity) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        errors += StorageValidation.immutableField(
            nodeTopology, old.nodeTopology, "nodeTopology", shown: StorageValidation.shownJSON(nodeTopology))
        errors += StorageValidation.immutableField(
            storageClassName, old.storageClassName, "storageClassName",
            shown: FieldError.quoted(storageClassName ?? ""))
        return errors
    }
}
