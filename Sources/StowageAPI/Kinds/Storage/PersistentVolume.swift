/// A piece of storage (core/v1 PersistentVolume). Cluster-scoped; bound to at most one claim through
/// `spec.claimRef`.
public struct PersistentVolume: APIObject, Hashable {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "PersistentVolume", plural: "persistentvolumes", namespaced: false,
        shortNames: ["pv"], hasStatusSubresource: true)

    public var metadata: ObjectMeta
    public var spec: PersistentVolumeSpec?
    public var status: PersistentVolumeStatus?

    public init(metadata: ObjectMeta, spec: PersistentVolumeSpec? = nil, status: PersistentVolumeStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// A volume named `name` with `capacity` bytes of storage, the given source fields and access modes.
    public init(
        name: String, capacity: Quantity, accessModes: [String] = [PersistentVolumeAccessMode.readWriteOnce],
        storageClassName: String? = nil, hostPath: HostPathVolumeSource? = nil, local: LocalVolumeSource? = nil,
        csi: CSIPersistentVolumeSource? = nil, reclaimPolicy: String? = nil, volumeMode: String? = nil,
        nodeAffinity: VolumeNodeAffinity? = nil, claimRef: ObjectReference? = nil, labels: [String: String]? = nil
    ) {
        self.init(
            metadata: ObjectMeta(name: name, labels: labels),
            spec: PersistentVolumeSpec(
                capacity: [StorageResourceName.storage: capacity], accessModes: accessModes,
                persistentVolumeReclaimPolicy: reclaimPolicy, storageClassName: storageClassName,
                volumeMode: volumeMode, nodeAffinity: nodeAffinity, claimRef: claimRef, hostPath: hostPath,
                local: local, csi: csi))
    }

    /// Kubernetes' defaults: reclaim policy `Retain`, volume mode `Filesystem`, hostPath type `""`, phase
    /// `Pending`.
    public mutating func applyDefaults() {
        var spec = self.spec ?? PersistentVolumeSpec()
        if spec.persistentVolumeReclaimPolicy == nil || spec.persistentVolumeReclaimPolicy == "" {
            spec.persistentVolumeReclaimPolicy = PersistentVolumeReclaimPolicy.retain
        }
        if spec.volumeMode == nil { spec.volumeMode = PersistentVolumeMode.filesystem }
        if spec.hostPath != nil && spec.hostPath?.type == nil { spec.hostPath?.type = HostPathType.unset }
        self.spec = spec
        if status?.phase == nil || status?.phase == "" {
            var status = self.status ?? PersistentVolumeStatus()
            status.phase = PersistentVolumePhase.pending
            self.status = status
        }
    }

    public func specDiffers(from old: PersistentVolume) -> Bool { spec != old.spec }

    public mutating func takeStatus(from other: PersistentVolume) { status = other.status }

    /// Selectable fields: `spec.claimRef.name`, `spec.claimRef.namespace`, `status.phase`, Kubernetes' legacy
    /// `name`, and metadata.
    public func fieldValue(_ path: String) -> String? {
        switch path {
        case "spec.claimRef.name": return spec?.claimRef?.name ?? ""
        case "spec.claimRef.namespace": return spec?.claimRef?.namespace ?? ""
        case "status.phase": return status?.phase ?? ""
        case "name": return metadata.name ?? ""
        default: return metadata.fieldValue(path)
        }
    }

    /// The storage capacity (`spec.capacity.storage`), if set.
    public var storageCapacity: Quantity? { spec?.capacity?[StorageResourceName.storage] }
}

/// `PersistentVolume.spec`.
public struct PersistentVolumeSpec: Codable, Sendable, Hashable {
    /// Resource name -> quantity; exactly `storage`.
    public var capacity: [String: Quantity]?
    /// Values from ``PersistentVolumeAccessMode``.
    public var accessModes: [String]?
    /// A value from ``PersistentVolumeReclaimPolicy``; defaults to `Retain`.
    public var persistentVolumeReclaimPolicy: String?
    /// The class this volume belongs to; empty or absent means no class.
    public var storageClassName: String?
    /// Mount options passed to the driver.
    public var mountOptions: [String]?
    /// A value from ``PersistentVolumeMode``; defaults to `Filesystem`.
    public var volumeMode: String?
    /// The nodes this volume can be used from.
    public var nodeAffinity: VolumeNodeAffinity?
    /// The claim bound (or reserved) to this volume.
    public var claimRef: ObjectReference?
    /// The VolumeAttributesClass of the volume.
    public var volumeAttributesClassName: String?
    /// Volume sources; exactly one must be set.
    public var hostPath: HostPathVolumeSource?
    public var local: LocalVolumeSource?
    public var csi: CSIPersistentVolumeSource?

    public init(
        capacity: [String: Quantity]? = nil, accessModes: [String]? = nil,
        persistentVolumeReclaimPolicy: String? = nil, storageClassName: String? = nil, mountOptions: [String]? = nil,
        volumeMode: String? = nil, nodeAffinity: VolumeNodeAffinity? = nil, claimRef: ObjectReference? = nil,
        volumeAttributesClassName: String? = nil, hostPath: HostPathVolumeSource? = nil,
        local: LocalVolumeSource? = nil, csi: CSIPersistentVolumeSource? = nil
    ) {
        self.capacity = capacity
        self.accessModes = accessModes
        self.persistentVolumeReclaimPolicy = persistentVolumeReclaimPolicy
        self.storageClassName = storageClassName
        self.mountOptions = mountOptions
        self.volumeMode = volumeMode
        self.nodeAffinity = nodeAffinity
        self.claimRef = claimRef
        self.volumeAttributesClassName = volumeAttributesClassName
        self.hostPath = hostPath
        self.local = local
        self.csi = csi
    }

    /// The volume source fields, compared as a whole by update validation (Kubernetes'
    /// `PersistentVolumeSource`).
    struct Source: Equatable {
        var hostPath: HostPathVolumeSource?
        var local: LocalVolumeSource?
        var csi: CSIPersistentVolumeSource?
    }

    var source: Source { Source(hostPath: hostPath, local: local, csi: csi) }

    /// `volumeMode`, with absent meaning `Filesystem` (as binding compares it).
    public var effectiveVolumeMode: String { volumeMode ?? PersistentVolumeMode.filesystem }
}

/// `PersistentVolume.status`.
public struct PersistentVolumeStatus: Codable, Sendable, Hashable {
    /// A value from ``PersistentVolumePhase``.
    public var phase: String?
    /// Why the volume is in this phase, for people.
    public var message: String?
    /// Why the volume is in this phase, CamelCase for machines.
    public var reason: String?
    /// When `phase` last changed.
    public var lastPhaseTransitionTime: Timestamp?

    public init(phase: String? = nil, message: String? = nil, reason: String? = nil, lastPhaseTransitionTime: Timestamp? = nil) {
        self.phase = phase
        self.message = message
        self.reason = reason
        self.lastPhaseTransitionTime = lastPhaseTransitionTime
    }
}
