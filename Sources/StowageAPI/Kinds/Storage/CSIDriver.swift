/// How the cluster talks to one CSI driver (storage.k8s.io/v1 CSIDriver). Cluster-scoped; named by the driver.
public struct CSIDriver: APIObject, Hashable {
    public static let resource = APIResource(
        group: "storage.k8s.io", version: "v1", kind: "CSIDriver", plural: "csidrivers", namespaced: false)

    public var metadata: ObjectMeta
    public var spec: CSIDriverSpec?

    public init(metadata: ObjectMeta, spec: CSIDriverSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// A driver object named `name` with `spec`.
    public init(name: String, spec: CSIDriverSpec = CSIDriverSpec()) {
        self.init(metadata: ObjectMeta(name: name), spec: spec)
    }

    /// Kubernetes' defaults: attach required, no pod info on mount, `Persistent` mode, no storage capacity,
    /// `ReadWriteOnceWithFSType`, no republish, no SELinux mount.
    public mutating func applyDefaults() {
        var spec = self.spec ?? CSIDriverSpec()
        if spec.attachRequired == nil { spec.attachRequired = true }
        if spec.podInfoOnMount == nil { spec.podInfoOnMount = false }
        if spec.storageCapacity == nil { spec.storageCapacity = false }
        if spec.fsGroupPolicy == nil { spec.fsGroupPolicy = FSGroupPolicy.readWriteOnceWithFSType }
        if (spec.volumeLifecycleModes ?? []).isEmpty { spec.volumeLifecycleModes = [VolumeLifecycleMode.persistent] }
        if spec.requiresRepublish == nil { spec.requiresRepublish = false }
        if spec.seLinuxMount == nil { spec.seLinuxMount = false }
        self.spec = spec
    }

    public func specDiffers(from old: CSIDriver) -> Bool { spec != old.spec }

    /// Kubernetes' `ValidateCSIDriver`: the name is a DNS-1123 subdomain and the spec is complete.
    public func validate() -> [FieldError] {
        ObjectMetaValidation.validate(metadata, namespaced: false, nameRule: .dns1123Subdomain)
            + (spec ?? CSIDriverSpec()).validate(path: "spec")
    }

    /// Kubernetes' `ValidateCSIDriverUpdate`: attachRequired and volumeLifecycleModes are fixed.
    public func validateUpdate(from old: CSIDriver) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let new = spec ?? CSIDriverSpec()
        let previous = old.spec ?? CSIDriverSpec()
        let path = FieldPath("spec")
        errors += StorageValidation.immutableField(
            new.attachRequired, previous.attachRequired, path.child("attachedRequired"),
            shown: new.attachRequired.map { String($0) } ?? "null")
        errors += StorageValidation.immutableField(
            new.volumeLifecycleModes ?? [], previous.volumeLifecycleModes ?? [], path.child("volumeLifecycleModes"),
            shown: StorageValidation.shownJSON(new.volumeLifecycleModes))
        return errors
    }
}

/// `CSIDriver.spec`.
public struct CSIDriverSpec: Codable, Sendable, Hashable {
    /// Whether volumes need ControllerPublish (attach) before NodeStage; defaults to true.
    public var attachRequired: Bool?
    /// Whether NodePublish receives pod information in the volume context; defaults to false.
    public var podInfoOnMount: Bool?
    /// Values from ``VolumeLifecycleMode``; defaults to `[Persistent]`.
    public var volumeLifecycleModes: [String]?
    /// Whether the driver publishes CSIStorageCapacity objects; defaults to false.
    public var storageCapacity: Bool?
    /// A value from ``FSGroupPolicy``; defaults to `ReadWriteOnceWithFSType`.
    public var fsGroupPolicy: String?
    /// Service account tokens passed to NodePublish.
    public var tokenRequests: [TokenRequest]?
    /// Whether NodePublish is called periodically; defaults to false.
    public var requiresRepublish: Bool?
    /// Whether the driver supports the `-o context` mount option; defaults to false.
    public var seLinuxMount: Bool?
    /// How often the node's allocatable volume count is refreshed, in seconds.
    public var nodeAllocatableUpdatePeriodSeconds: Int64?

    public init(
        attachRequired: Bool? = nil, podInfoOnMount: Bool? = nil, volumeLifecycleModes: [String]? = nil,
        storageCapacity: Bool? = nil, fsGroupPolicy: String? = nil, tokenRequests: [TokenRequest]? = nil,
        requiresRepublish: Bool? = nil, seLinuxMount: Bool? = nil, nodeAllocatableUpdatePeriodSeconds: Int64? = nil
    ) {
        self.attachRequired = attachRequired
        self.podInfoOnMount = podInfoOnMount
        self.volumeLifecycleModes = volumeLifecycleModes
        self.storageCapacity = storageCapacity
        self.fsGroupPolicy = fsGroupPolicy
        self.tokenRequests = tokenRequests
        self.requiresRepublish = requiresRepublish
        self.seLinuxMount = seLinuxMount
        self.nodeAllocatableUpdatePeriodSeconds = nodeAllocatableUpdatePeriodSeconds
    }

    /// Kubernetes' `validateCSIDriverSpec` (the defaulted booleans are required; Kubernetes spells the first
    /// path `attachedRequired`).
    public func validate(path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if attachRequired == nil { errors.append(.required(path.child("attachedRequired"))) }
        if podInfoOnMount == nil { errors.append(.required(path.child("podInfoOnMount"))) }
        if storageCapacity == nil { errors.append(.required(path.child("storageCapacity"))) }
        if let fsGroupPolicy, !FSGroupPolicy.all.contains(fsGroupPolicy) {
            errors.append(.notSupported(path.child("fsGroupPolicy"), fsGroupPolicy, supported: FSGroupPolicy.all))
        }
        var audiences = Set<String>()
        for (index, request) in (tokenRequests ?? []).enumerated() {
            let itemPath = path.child("tokenRequests").index(index)
            let audience = request.audience ?? ""
            if !audiences.insert(audience).inserted {
                errors.append(.duplicate(itemPath.child("audience"), audience))
                continue
            }
            guard let seconds = request.expirationSeconds else { continue }
            if seconds < 600 {
                errors.append(.invalid(
                    itemPath.child("expirationSeconds"), number: seconds, "may not specify a duration less than 10 minutes"))
            }
            if seconds > 1 << 32 {
                errors.append(.invalid(
                    itemPath.child("expirationSeconds"), number: seconds, "may not specify a duration larger than 2^32 seconds"))
            }
        }
        for mode in volumeLifecycleModes ?? [] where !VolumeLifecycleMode.all.contains(mode) {
            errors.append(.notSupported(path.child("volumeLifecycleModes"), mode, supported: VolumeLifecycleMode.all))
        }
        if seLinuxMount == nil { errors.append(.required(path.child("seLinuxMount"))) }
        if let period = nodeAllocatableUpdatePeriodSeconds, period < 10 {
            errors.append(.invalid(
                path.child("nodeAllocatableUpdatePeriodSeconds"), number: period,
                "must be greater than or equal to 10 seconds"))
        }
        return errors
    }
}

/// Kubernetes' `TokenRequest`: a service account token audience and lifetime for a CSI driver.
public struct TokenRequest: Codable, Sendable, Hashable {
    public var audience: String?
    public var expirationSeconds: Int64?

    public init(audience: String? = nil, expirationSeconds: Int64? = nil) {
        self.audience = audience
        self.expirationSeconds = expirationSeconds
    }
}

/// Values of ``CSIDriverSpec/volumeLifecycleModes``.
public enum VolumeLifecycleMode {
    public static let persistent = "Persistent"
    public static let ephemeral = "Ephemeral"
    /// Every supported mode, in Kubernetes' order.
    public static let all = [persistent, ephemeral]
}

/// Values of ``CSIDriverSpec/fsGroupPolicy``.
public enum FSGroupPolicy {
    public static let readWriteOnceWithFSType = "ReadWriteOnceWithFSType"
    public static let file = "File"
    public static let none = "None"
    /// Every supported policy, sorted.
    public static let all = [file, none, readWriteOnceWithFSType]
}
