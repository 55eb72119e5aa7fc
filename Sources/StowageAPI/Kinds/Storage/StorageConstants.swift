/// The known values of the enum-like string fields of the storage kinds. The fields themselves are `String`, so an
/// unknown value decodes and validation reports it as `Unsupported value`; these constants name the known ones.

/// Values of `accessModes` in PersistentVolume and PersistentVolumeClaim specs.
public enum PersistentVolumeAccessMode {
    public static let readWriteOnce = "ReadWriteOnce"
    public static let readOnlyMany = "ReadOnlyMany"
    public static let readWriteMany = "ReadWriteMany"
    public static let readWriteOncePod = "ReadWriteOncePod"
    /// Every supported mode, sorted as Kubernetes lists them in `Unsupported value` errors.
    public static let all = [readOnlyMany, readWriteMany, readWriteOnce, readWriteOncePod]
}

/// Values of `persistentVolumeReclaimPolicy` (PersistentVolume) and `reclaimPolicy` (StorageClass).
public enum PersistentVolumeReclaimPolicy {
    public static let retain = "Retain"
    public static let delete = "Delete"
    /// Deprecated in Kubernetes; accepted on PersistentVolumes only.
    public static let recycle = "Recycle"
    /// Values a PersistentVolume accepts, sorted.
    public static let forVolumes = [delete, recycle, retain]
    /// Values a StorageClass accepts, sorted.
    public static let forClasses = [delete, retain]
}

/// Values of `volumeMode` in PersistentVolume and PersistentVolumeClaim specs. Absent means `Filesystem`.
public enum PersistentVolumeMode {
    public static let filesystem = "Filesystem"
    public static let block = "Block"
    /// Every supported mode, sorted.
    public static let all = [block, filesystem]
}

/// Values of a PersistentVolume's `status.phase`.
public enum PersistentVolumePhase {
    public static let pending = "Pending"
    public static let available = "Available"
    public static let bound = "Bound"
    public static let released = "Released"
    public static let failed = "Failed"
}

/// Values of a PersistentVolumeClaim's `status.phase`.
public enum PersistentVolumeClaimPhase {
    public static let pending = "Pending"
    public static let bound = "Bound"
    public static let lost = "Lost"
}

/// Values of a PersistentVolumeClaim condition's `type`.
public enum PersistentVolumeClaimConditionType {
    public static let resizing = "Resizing"
    public static let fileSystemResizePending = "FileSystemResizePending"
    public static let controllerResizeError = "ControllerResizeError"
    public static let nodeResizeError = "NodeResizeError"
    public static let modifyingVolume = "ModifyingVolume"
    public static let modifyVolumeError = "ModifyVolumeError"
}

/// Values of `volumeBindingMode` in a StorageClass.
public enum VolumeBindingMode {
    public static let immediate = "Immediate"
    public static let waitForFirstConsumer = "WaitForFirstConsumer"
    /// Every supported mode, sorted.
    public static let all = [immediate, waitForFirstConsumer]
}

/// Resource names used in `capacity`, `requests` and `limits` maps of storage objects.
public enum StorageResourceName {
    /// `storage`: bytes of a volume.
    public static let storage = "storage"
}

/// Well-known annotations and finalizers of the storage kinds.
public enum StorageAnnotation {
    /// Marks the default StorageClass (`"true"`).
    public static let isDefaultClass = "storageclass.kubernetes.io/is-default-class"
    /// Set on a claim once binding finished (`"yes"`).
    public static let bindCompleted = "pv.kubernetes.io/bind-completed"
    /// Set on a claim or volume the controller bound (`"yes"`).
    public static let boundByController = "pv.kubernetes.io/bound-by-controller"
    /// The driver that provisioned a PersistentVolume.
    public static let provisionedBy = "pv.kubernetes.io/provisioned-by"
    /// The driver that should provision a claim.
    public static let storageProvisioner = "volume.kubernetes.io/storage-provisioner"
    /// The node chosen for a WaitForFirstConsumer claim.
    public static let selectedNode = "volume.kubernetes.io/selected-node"
    /// The legacy mount-options annotation on PersistentVolumes.
    public static let mountOptions = "volume.beta.kubernetes.io/mount-options"
    /// The legacy storage-class annotation on claims and volumes.
    public static let betaStorageClass = "volume.beta.kubernetes.io/storage-class"
}
