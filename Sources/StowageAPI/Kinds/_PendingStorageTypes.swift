// TEMPORARY: replaced by the storage-kinds branch at merge; delete this file then.
//
// Minimal stand-ins for the storage types the workload kinds refer to (StatefulSet.volumeClaimTemplates, the
// ephemeral volume's claim template, the hostPath volume source). Only the fields named exactly as Kubernetes
// names them are used by the workload code: spec.accessModes, spec.resources.requests, spec.storageClassName,
// spec.volumeMode, spec.selector, spec.volumeName, status.phase, hostPath path/type.

/// A claim for storage (core/v1). STAND-IN: see the note at the top of this file.
public struct PersistentVolumeClaim: APIObject {
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

    /// volumeMode Filesystem and phase Pending, as Kubernetes defaults a claim.
    public mutating func applyDefaults() {
        if spec?.volumeMode == nil { spec?.volumeMode = "Filesystem" }
        if status?.phase == nil {
            if status == nil { status = PersistentVolumeClaimStatus() }
            status?.phase = "Pending"
        }
    }
}

/// `PersistentVolumeClaim.spec`. STAND-IN.
public struct PersistentVolumeClaimSpec: Codable, Sendable, Hashable {
    public var accessModes: [String]?
    public var selector: LabelSelector?
    public var resources: VolumeResourceRequirements?
    public var volumeName: String?
    public var storageClassName: String?
    public var volumeMode: String?

    public init(
        accessModes: [String]? = nil, selector: LabelSelector? = nil, resources: VolumeResourceRequirements? = nil,
        volumeName: String? = nil, storageClassName: String? = nil, volumeMode: String? = nil
    ) {
        self.accessModes = accessModes
        self.selector = selector
        self.resources = resources
        self.volumeName = volumeName
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
    }
}

/// `PersistentVolumeClaim.spec.resources`. STAND-IN.
public struct VolumeResourceRequirements: Codable, Sendable, Hashable {
    public var limits: [String: Quantity]?
    public var requests: [String: Quantity]?

    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

/// `PersistentVolumeClaim.status`. STAND-IN.
public struct PersistentVolumeClaimStatus: Codable, Sendable, Hashable {
    public var phase: String?
    public init(phase: String? = nil) { self.phase = phase }
}

/// A directory, file or device on the host (`hostPath`). STAND-IN.
public struct HostPathVolumeSource: Codable, Sendable, Hashable {
    public var path: String?
    public var type: String?

    public init(path: String? = nil, type: String? = nil) {
        self.path = path
        self.type = type
    }
}
