/// The CSI drivers installed on one node (storage.k8s.io/v1 CSINode). Cluster-scoped; named like its Node.
public struct CSINode: APIObject, Hashable {
    public static let resource = APIResource(
        group: "storage.k8s.io", version: "v1", kind: "CSINode", plural: "csinodes", namespaced: false)

    public var metadata: ObjectMeta
    public var spec: CSINodeSpec?

    public init(metadata: ObjectMeta, spec: CSINodeSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// The CSINode of node `name` listing `drivers`.
    public init(name: String, drivers: [CSINodeDriver]) {
        self.init(metadata: ObjectMeta(name: name), spec: CSINodeSpec(drivers: drivers))
    }

    /// The entry for driver `name`, if registered on this node.
    public func driver(named name: String) -> CSINodeDriver? {
        spec?.drivers?.first { $0.name == name }
    }

    public func specDiffers(from old: CSINode) -> Bool { spec != old.spec }

    /// Kubernetes' `ValidateCSINode`: each driver has a valid name (once), a node id of at most 192 characters, a
    /// non-negative allocatable count and distinct qualified topology keys.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Subdomain)
        var names = Set<String>()
        for (index, driver) in (spec?.drivers ?? []).enumerated() {
            let path = FieldPath("spec").child("drivers").index(index)
            let name = driver.name ?? ""
            errors += StorageValidation.csiDriverName(name, path.child("name"))
            let nodeID = driver.nodeID ?? ""
            if nodeID.isEmpty { errors.append(.required(path.child("nodeID"))) }
            if nodeID.utf8.count > 192 {
                errors.append(.invalid(path.child("nodeID"), nodeID, "must be 192 characters or less"))
            }
            if let count = driver.allocatable?.count, count < 0 {
                errors.append(.invalid(path.child("allocatable", "count"), number: count, StorageValidation.negative))
            }
            if !names.insert(name).inserted { errors.append(.duplicate(path.child("name"), name)) }
            var keys = Set<String>()
            for key in driver.topologyKeys ?? [] {
                if key.isEmpty { errors.append(.required(path)) }
                if !keys.insert(key).inserted { errors.append(.duplicate(path, key)) }
                errors += StorageValidation.qualifiedName(key, path)
            }
        }
        return errors
    }

    /// Kubernetes' `ValidateCSINodeUpdate`: drivers may be added and removed, but an existing driver's entry
    /// may change only in `allocatable` (the MutableCSINodeAllocatableCount behaviour).
    public func validateUpdate(from old: CSINode) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        for oldDriver in old.spec?.drivers ?? [] {
            for newDriver in spec?.drivers ?? [] where newDriver.name == oldDriver.name {
                var newCompared = newDriver
                var oldCompared = oldDriver
                newCompared.allocatable = nil
                oldCompared.allocatable = nil
                errors += StorageValidation.immutableField(
                    newCompared, oldCompared, FieldPath("spec").child("drivers"),
                    shown: StorageValidation.shownJSON(newCompared))
            }
        }
        return errors
    }
}

/// `CSINode.spec`.
public struct CSINodeSpec: Codable, Sendable, Hashable {
    /// The drivers registered on the node.
    public var drivers: [CSINodeDriver]?

    public init(drivers: [CSINodeDriver]? = nil) { self.drivers = drivers }
}

/// Kubernetes' `CSINodeDriver`: one driver's registration on a node.
public struct CSINodeDriver: Codable, Sendable, Hashable {
    /// The driver's name.
    public var name: String?
    /// The node's id as the driver knows it (from NodeGetInfo).
    public var nodeID: String?
    /// Node label keys the driver reports topology under.
    public var topologyKeys: [String]?
    /// How many volumes of this driver the node can hold.
    public var allocatable: VolumeNodeResources?

    public init(name: String? = nil, nodeID: String? = nil, topologyKeys: [String]? = nil, allocatable: VolumeNodeResources? = nil) {
        self.name = name
        self.nodeID = nodeID
        self.topologyKeys = topologyKeys
        self.allocatable = allocatable
    }
}

/// Kubernetes' `VolumeNodeResources`.
public struct VolumeNodeResources: Codable, Sendable, Hashable {
    /// Maximum number of unique volumes of the driver on the node; absent means unlimited.
    public var count: Int32?

    public init(count: Int32? = nil) { self.count = count }
}
