/// A request for storage (core/v1 PersistentVolumeClaim). Namespaced; bound to one PersistentVolume through
/// `spec.volumeName`. Also the element type of a StatefulSet's `volumeClaimTemplates`.
public struct PersistentVolumeClaim: APIObject, Hashable {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true,
        shortNames: ["pvc"], hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: PersistentVolumeClaimSpec?
    public var status: PersistentVolumeClaimStatus?

    public init(metadata: ObjectMeta, spec: PersistentVolumeClaimSpec? = nil, status: PersistentVolumeClaimStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A claim `namespace/name` requesting `request` bytes of storage.
    public init(
        name: String, namespace: String? = "default", request: Quantity,
        accessModes: [String] = [PersistentVolumeAccessMode.readWriteOnce], storageClassName: String? = nil,
        volumeMode: String? = nil, volumeName: String? = nil, selector: LabelSelector? = nil,
        labels: [String: String]? = nil
    ) {
        self.init(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: labels),
            spec: PersistentVolumeClaimSpec(
                accessModes: accessModes, selector: selector,
                resources: VolumeResourceRequirements(requests: [StorageResourceName.storage: request]),
                volumeName: volumeName, storageClassName: storageClassName, volumeMode: volumeMode))
    }

    /// Kubernetes' defaults: volume mode `Filesystem`, phase `Pending`.
    public mutating func applyDefaults() {
        var spec = self.spec ?? PersistentVolumeClaimSpec()
        if spec.volumeMode == nil { spec.volumeMode = PersistentVolumeMode.filesystem }
        self.spec = spec
        if status?.phase == nil || status?.phase == "" {
            var status = self.status ?? PersistentVolumeClaimStatus()
            status.phase = PersistentVolumeClaimPhase.pending
            self.status = status
        }
    }

    public func specDiffers(from old: PersistentVolumeClaim) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: PersistentVolumeClaim) { status = other.status }

    /// Selectable fields: `spec.volumeName`, `status.phase`, Kubernetes' legacy `name`, and metadata.
    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "spec.volumeName": return spec?.volumeName ?? ""
        case "status.phase": return status?.phase ?? ""
        case "name": return metadata.name ?? ""
        default: return metadata.fieldValue(path)
        }
    }

    /// The requested storage (`spec.resources.requests.storage`), if set.
    public var storageRequest: Quantity? { spec?.resources?.requests?[StorageResourceName.storage] }
}

/// `PersistentVolumeClaim.spec`.
public struct PersistentVolumeClaimSpec: Codable, Sendable, Hashable {
    /// Values from ``PersistentVolumeAccessMode``; at least one.
    public var accessModes: [String]?
    /// Labels a volume must have to be bound to this claim.
    public var selector: LabelSelector?
    /// Requested (and limited) resources; `requests.storage` is required.
    public var resources: VolumeResourceRequirements?
    /// The volume bound (or pre-bound) to this claim.
    public var volumeName: String?
    /// The class; absent means the default class, empty means no class.
    public var storageClassName: String?
    /// A value from ``PersistentVolumeMode``; defaults to `Filesystem`.
    public var volumeMode: String?
    /// An object to populate the volume from (a claim, or a snapshot).
    public var dataSource: TypedLocalObjectReference?
    /// Like `dataSource`, allowing any object and a namespace.
    public var dataSourceRef: TypedObjectReference?
    /// The VolumeAttributesClass requested.
    public var volumeAttributesClassName: String?

    public init(
        accessModes: [String]? = nil, selector: LabelSelector? = nil, resources: VolumeResourceRequirements? = nil,
        volumeName: String? = nil, storageClassName: String? = nil, volumeMode: String? = nil,
        dataSource: TypedLocalObjectReference? = nil, dataSourceRef: TypedObjectReference? = nil,
        volumeAttributesClassName: String? = nil
    ) {
        self.accessModes = accessModes
        self.selector = selector
        self.resources = resources
        self.volumeName = volumeName
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
        self.dataSource = dataSource
        self.dataSourceRef = dataSourceRef
        self.volumeAttributesClassName = volumeAttributesClassName
    }

    /// `volumeMode`, with absent meaning `Filesystem` (as binding compares it).
    public var effectiveVolumeMode: String { volumeMode ?? PersistentVolumeMode.filesystem }
}

/// Kubernetes' `VolumeResourceRequirements`: resource name -> quantity.
public struct VolumeResourceRequirements: Codable, Sendable, Hashable {
    public var requests: [String: Quantity]?
    public var limits: [String: Quantity]?

    public init(requests: [String: Quantity]? = nil, limits: [String: Quantity]? = nil) {
        self.requests = requests
        self.limits = limits
    }
}

/// `PersistentVolumeClaim.status`.
public struct PersistentVolumeClaimStatus: Codable, Sendable, Hashable {
    /// A value from ``PersistentVolumeClaimPhase``.
    public var phase: String?
    /// The access modes of the bound volume.
    public var accessModes: [String]?
    /// The capacity of the bound volume.
    public var capacity: [String: Quantity]?
    /// Progress of resizing and modification.
    public var conditions: [PersistentVolumeClaimCondition]?
    /// Sizes an expansion in progress has reserved.
    public var allocatedResources: [String: Quantity]?
    /// Resource name -> resize status (`ControllerResizeInProgress`, `NodeResizePending`, …).
    public var allocatedResourceStatuses: [String: String]?
    /// The VolumeAttributesClass in effect.
    public var currentVolumeAttributesClassName: String?
    /// A volume modification in progress.
    public var modifyVolumeStatus: ModifyVolumeStatus?

    public init(
        phase: String? = nil, accessModes: [String]? = nil, capacity: [String: Quantity]? = nil,
        conditions: [PersistentVolumeClaimCondition]? = nil, allocatedResources: [String: Quantity]? = nil,
        allocatedResourceStatuses: [String: String]? = nil, currentVolumeAttributesClassName: String? = nil,
        modifyVolumeStatus: ModifyVolumeStatus? = nil
    ) {
        self.phase = phase
        self.accessModes = accessModes
        self.capacity = capacity
        self.conditions = conditions
        self.allocatedResources = allocatedResources
        self.allocatedResourceStatuses = allocatedResourceStatuses
        self.currentVolumeAttributesClassName = currentVolumeAttributesClassName
        self.modifyVolumeStatus = modifyVolumeStatus
    }
}

/// Kubernetes' `PersistentVolumeClaimCondition`: `type` from ``PersistentVolumeClaimConditionType``, `status`
/// `True`/`False`/`Unknown`.
public struct PersistentVolumeClaimCondition: Codable, Sendable, Hashable {
    public var type: String?
    public var status: String?
    public var lastProbeTime: Timestamp?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(
        type: String? = nil, status: String? = nil, lastProbeTime: Timestamp? = nil,
        lastTransitionTime: Timestamp? = nil, reason: String? = nil, message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// Kubernetes' `ModifyVolumeStatus`: the target VolumeAttributesClass and how its application goes.
public struct ModifyVolumeStatus: Codable, Sendable, Hashable {
    public var targetVolumeAttributesClassName: String?
    /// `Pending`, `InProgress` or `Infeasible`.
    public var status: String?

    public init(targetVolumeAttributesClassName: String? = nil, status: String? = nil) {
        self.targetVolumeAttributesClassName = targetVolumeAttributesClassName
        self.status = status
    }
}
