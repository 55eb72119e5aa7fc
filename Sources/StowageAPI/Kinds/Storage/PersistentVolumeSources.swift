/// The volume sources a PersistentVolume can name. Exactly one is set per volume.

/// Kubernetes' `HostPathVolumeSource`: a directory, file or device on the node. Used by PersistentVolumes and by
/// pod volumes.
public struct HostPathVolumeSource: Codable, Sendable, Hashable {
    /// Path on the node; required, no `..` element.
    public var path: String?
    /// What must be at `path`, one of ``HostPathType``; defaults to `""` (no check).
    public var type: String?

    public init(path: String? = nil, type: String? = nil) {
        self.path = path
        self.type = type
    }

    /// Kubernetes' `validateHostPathVolumeSource`.
    public func validate(path fieldPath: FieldPath) -> [FieldError] {
        guard let path, !path.isEmpty else { return [.required(fieldPath.child("path"))] }
        var errors = StorageValidation.pathNoBacksteps(path, fieldPath.child("path"))
        if let type, !HostPathType.all.contains(type) {
            errors.append(.notSupported(fieldPath.child("type"), type, supported: HostPathType.all))
        }
        return errors
    }
}

/// Values of ``HostPathVolumeSource/type``.
public enum HostPathType {
    /// No check before mounting (the default).
    public static let unset = ""
    public static let directoryOrCreate = "DirectoryOrCreate"
    public static let directory = "Directory"
    public static let fileOrCreate = "FileOrCreate"
    public static let file = "File"
    public static let socket = "Socket"
    public static let charDevice = "CharDevice"
    public static let blockDevice = "BlockDevice"
    /// Every supported type, sorted as Kubernetes lists them.
    public static let all = [unset, blockDevice, charDevice, directory, directoryOrCreate, file, fileOrCreate, socket]
}

/// Kubernetes' `LocalVolumeSource`: a local disk, partition or directory on one node (requires `nodeAffinity`).
public struct LocalVolumeSource: Codable, Sendable, Hashable {
    /// Full path on the node; required.
    public var path: String?
    /// Filesystem type for block devices (`ext4`); ignored for directories.
    public var fsType: String?

    public init(path: String? = nil, fsType: String? = nil) {
        self.path = path
        self.fsType = fsType
    }

    /// Kubernetes' `validateLocalVolumeSource`.
    public func validate(path fieldPath: FieldPath) -> [FieldError] {
        guard let path, !path.isEmpty else { return [.required(fieldPath.child("path"))] }
        return StorageValidation.pathNoBacksteps(path, fieldPath.child("path"))
    }
}

/// Kubernetes' `CSIPersistentVolumeSource`: a volume managed by a CSI driver.
public struct CSIPersistentVolumeSource: Codable, Sendable, Hashable {
    /// The driver's name (`hostpath.stowage.dev`); required.
    public var driver: String?
    /// The driver's id of the volume; required.
    public var volumeHandle: String?
    /// Publish the volume read-only.
    public var readOnly: Bool?
    /// Filesystem to create or mount (`ext4`).
    public var fsType: String?
    /// The volume context the driver returned when it created the volume.
    public var volumeAttributes: [String: String]?
    /// Secrets passed to the driver's calls.
    public var controllerPublishSecretRef: SecretReference?
    public var nodeStageSecretRef: SecretReference?
    public var nodePublishSecretRef: SecretReference?
    public var controllerExpandSecretRef: SecretReference?
    public var nodeExpandSecretRef: SecretReference?

    public init(
        driver: String? = nil, volumeHandle: String? = nil, readOnly: Bool? = nil, fsType: String? = nil,
        volumeAttributes: [String: String]? = nil, controllerPublishSecretRef: SecretReference? = nil,
        nodeStageSecretRef: SecretReference? = nil, nodePublishSecretRef: SecretReference? = nil,
        controllerExpandSecretRef: SecretReference? = nil, nodeExpandSecretRef: SecretReference? = nil
    ) {
        self.driver = driver
        self.volumeHandle = volumeHandle
        self.readOnly = readOnly
        self.fsType = fsType
        self.volumeAttributes = volumeAttributes
        self.controllerPublishSecretRef = controllerPublishSecretRef
        self.nodeStageSecretRef = nodeStageSecretRef
        self.nodePublishSecretRef = nodePublishSecretRef
        self.controllerExpandSecretRef = controllerExpandSecretRef
        self.nodeExpandSecretRef = nodeExpandSecretRef
    }

    /// Kubernetes' `validateCSIPersistentVolumeSource`: driver name, handle, and each secret reference with both
    /// name and namespace.
    public func validate(path: FieldPath) -> [FieldError] {
        var errors = StorageValidation.csiDriverName(driver ?? "", path.child("driver"))
        if (volumeHandle ?? "").isEmpty { errors.append(.required(path.child("volumeHandle"))) }
        let secrets: [(String, SecretReference?)] = [
            ("controllerPublishSecretRef", controllerPublishSecretRef), ("nodeStageSecretRef", nodeStageSecretRef),
            ("nodePublishSecretRef", nodePublishSecretRef), ("controllerExpandSecretRef", controllerExpandSecretRef),
            ("nodeExpandSecretRef", nodeExpandSecretRef),
        ]
        for (field, reference) in secrets {
            guard let reference else { continue }
            let refPath = path.child(field)
            if let name = reference.name, !name.isEmpty {
                errors += NameValidation.dns1123Subdomain(name).map { .invalid(refPath.child("name"), name, $0) }
            } else {
                errors.append(.required(refPath.child("name")))
            }
            if let namespace = reference.namespace, !namespace.isEmpty {
                errors += NameValidation.dns1123Label(namespace).map {
                    .invalid(refPath.child("namespace"), namespace, $0)
                }
            } else {
                errors.append(.required(refPath.child("namespace")))
            }
        }
        return errors
    }
}
