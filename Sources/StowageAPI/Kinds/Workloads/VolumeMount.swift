/// Where a container sees one of the pod's volumes (`volumeMounts[*]`).
public struct VolumeMount: Codable, Sendable, Hashable {
    /// The name of a volume in `spec.volumes`.
    public var name: String?
    public var readOnly: Bool?
    public var mountPath: String?
    /// A path inside the volume to mount instead of its root; relative, without `..`.
    public var subPath: String?
    /// Like `subPath`, with `$(VAR)` references to the container's environment expanded.
    public var subPathExpr: String?
    /// `None`, `HostToContainer` or `Bidirectional`; see ``Propagation``.
    public var mountPropagation: String?

    public init(
        name: String? = nil, mountPath: String? = nil, readOnly: Bool? = nil, subPath: String? = nil,
        subPathExpr: String? = nil, mountPropagation: String? = nil
    ) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
        self.subPathExpr = subPathExpr
        self.mountPropagation = mountPropagation
    }

    /// Known values of `mountPropagation`.
    public enum Propagation {
        public static let none = "None"
        public static let hostToContainer = "HostToContainer"
        public static let bidirectional = "Bidirectional"
        /// Every supported value, sorted as Kubernetes lists them in errors.
        public static let all = [bidirectional, hostToContainer, none]
    }
}

/// A raw block device a container sees (`volumeDevices[*]`): a block-mode claim at `devicePath`.
public struct VolumeDevice: Codable, Sendable, Hashable {
    /// The name of a `persistentVolumeClaim` or `ephemeral` volume in `spec.volumes`.
    public var name: String?
    public var devicePath: String?

    public init(name: String? = nil, devicePath: String? = nil) {
        self.name = name
        self.devicePath = devicePath
    }
}
