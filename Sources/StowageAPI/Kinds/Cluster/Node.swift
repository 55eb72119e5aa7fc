/// A machine that runs pods and mounts volumes (core/v1 Node). Cluster-scoped; its labels carry topology
/// (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`, driver topology keys).
public struct Node: APIObject, Hashable {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"],
        hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init(metadata: ObjectMeta, spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A node named `name` with `labels` (the hostname label is added when absent).
    public init(name: String, labels: [String: String] = [:]) {
        var labels = labels
        if labels[NodeLabel.hostname] == nil { labels[NodeLabel.hostname] = name }
        self.init(metadata: ObjectMeta(name: name, labels: labels))
    }

    public func specDiffers(from old: Node) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: Node) { status = other.status }

    /// Selectable fields: `spec.unschedulable` (`"true"`/`"false"`) and metadata.
    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "spec.unschedulable": return String(spec?.unschedulable ?? false)
        default: return metadata.fieldValue(path)
        }
    }

    /// Kubernetes' `ValidateNode`: taints (reported under `metadata.taints`, as Kubernetes does) and
    /// non-negative status quantities.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Subdomain)
        errors += Taint.validate(spec?.taints ?? [], path: FieldPath("metadata").child("taints"))
        for (field, resources) in [("capacity", status?.capacity), ("allocatable", status?.allocatable)] {
            for (name, quantity) in (resources ?? [:]).sorted(by: { $0.key < $1.key }) {
                errors += StorageValidation.nonNegativeQuantity(quantity, FieldPath("status").child(field).key(name))
            }
        }
        return errors
    }

    /// Kubernetes' `ValidateNodeUpdate` for the fields Stowage models: pod CIDRs and the provider id may only be
    /// set from empty.
    public func validateUpdate(from old: Node) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let oldCIDRs = old.spec?.podCIDRs ?? []
        if !oldCIDRs.isEmpty, oldCIDRs != (spec?.podCIDRs ?? []) {
            errors.append(.forbidden(
                FieldPath("spec").child("podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
        }
        if let oldID = old.spec?.providerID, !oldID.isEmpty, spec?.providerID != oldID {
            errors.append(.forbidden(
                FieldPath("spec").child("providerID"),
                "node updates may not change providerID except from \"\" to valid"))
        }
        return errors
    }
}

/// Well-known node labels.
public enum NodeLabel {
    public static let hostname = "kubernetes.io/hostname"
    public static let zone = "topology.kubernetes.io/zone"
    public static let region = "topology.kubernetes.io/region"
    public static let os = "kubernetes.io/os"
    public static let arch = "kubernetes.io/arch"
}

/// `Node.spec`.
public struct NodeSpec: Codable, Sendable, Hashable {
    /// The pod IP range of the node (first of `podCIDRs`).
    public var podCIDR: String?
    public var podCIDRs: [String]?
    /// The node's id at its infrastructure provider.
    public var providerID: String?
    /// Whether new pods may not be placed here.
    public var unschedulable: Bool?
    /// Taints repelling pods that do not tolerate them.
    public var taints: [Taint]?

    public init(
        podCIDR: String? = nil, podCIDRs: [String]? = nil, providerID: String? = nil, unschedulable: Bool? = nil,
        taints: [Taint]? = nil
    ) {
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
        self.providerID = providerID
        self.unschedulable = unschedulable
        self.taints = taints
    }
}

/// `Node.status`.
public struct NodeStatus: Codable, Sendable, Hashable {
    /// Total resources of the node.
    public var capacity: [String: Quantity]?
    /// Resources available to pods.
    public var allocatable: [String: Quantity]?
    /// Deprecated node phase.
    public var phase: String?
    /// `Ready`, `DiskPressure`, … .
    public var conditions: [NodeCondition]?
    /// The node's addresses.
    public var addresses: [NodeAddress]?
    /// Versions and ids of the node's software.
    public var nodeInfo: NodeSystemInfo?
    /// Volumes (`kubernetes.io/csi/<driver>^<handle>`) the node has in use.
    public var volumesInUse: [String]?
    /// Volumes attached to the node.
    public var volumesAttached: [AttachedVolume]?

    public init(
        capacity: [String: Quantity]? = nil, allocatable: [String: Quantity]? = nil, phase: String? = nil,
        conditions: [NodeCondition]? = nil, addresses: [NodeAddress]? = nil, nodeInfo: NodeSystemInfo? = nil,
        volumesInUse: [String]? = nil, volumesAttached: [AttachedVolume]? = nil
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.phase = phase
        self.conditions = conditions
        self.addresses = addresses
        self.nodeInfo = nodeInfo
        self.volumesInUse = volumesInUse
        self.volumesAttached = volumesAttached
    }
}
