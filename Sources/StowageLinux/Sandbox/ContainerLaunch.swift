/// What `stowage-container-init` needs to start one container's process: the node agent writes it as JSON, the
/// helper reads it, builds the container's view of the filesystem in a new mount namespace, sets the hostname in a
/// new UTS namespace, and executes the command.
public struct ContainerLaunch: Codable, Sendable, Equatable {
    /// One volume (or block device) made visible inside the container.
    public struct VolumeMount: Codable, Sendable, Equatable {
        /// The host path: a published volume directory, or a block device node.
        public var source: String
        /// A relative path inside `source` to mount instead of its root (`volumeMounts[].subPath`). It is opened one
        /// component at a time without following symlinks, so it can never lead outside the volume.
        public var subPath: String?
        /// The absolute path inside the container (`mountPath` or `devicePath`).
        public var target: String
        public var readOnly: Bool
        /// Whether `source` is a block device (`volumeDevices`) rather than a directory.
        public var isDevice: Bool

        public init(source: String, subPath: String? = nil, target: String, readOnly: Bool = false, isDevice: Bool = false) {
            self.source = source
            self.subPath = subPath
            self.target = target
            self.readOnly = readOnly
            self.isDevice = isDevice
        }
    }

    /// The container's host name (the pod's `hostname`, else its name).
    public var hostname: String
    /// An empty host directory where the container's root is assembled (a small tmpfs is mounted on it).
    public var rootDirectory: String
    /// Host directories whose mounts the container must not hold on to (the node's state directory: other pods'
    /// volumes and staged filesystems), detached inside its namespace.
    public var hiddenPaths: [String]
    public var mounts: [VolumeMount]
    /// The program and its arguments (`command` + `args`).
    public var arguments: [String]
    /// The environment, `NAME=value`.
    public var environment: [String]
    /// `workingDir`, created inside the container when missing.
    public var workingDirectory: String?

    public init(hostname: String, rootDirectory: String, hiddenPaths: [String], mounts: [VolumeMount], arguments: [String],
                environment: [String], workingDirectory: String? = nil) {
        self.hostname = hostname
        self.rootDirectory = rootDirectory
        self.hiddenPaths = hiddenPaths
        self.mounts = mounts
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }
}
