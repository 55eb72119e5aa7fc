import Foundation
import StowageCSI
import StowageLinux

/// One pod's emptyDir volume as recorded on disk (`<state-dir>/published/<hash>.json`), keyed by its target.
struct EphemeralRecord: Codable, Sendable, Equatable {
    var volumeId: String
    var targetPath: String
    var podUID: String
    /// `""` (disk) or `"Memory"` (tmpfs).
    var medium: String
    var sizeLimitBytes: Int64?
    var readonly: Bool
    /// Disk medium: the project id enforcing sizeLimit, when one does.
    var projectID: UInt32?
    /// Disk medium with a sizeLimit: why it is only measured, not enforced.
    var sizeNotEnforcedReason: String?

    /// Whether `other` asks for the same volume (ignoring what the driver chose itself).
    func sameRequest(as other: EphemeralRecord) -> Bool {
        volumeId == other.volumeId && targetPath == other.targetPath && podUID == other.podUID && medium == other.medium
            && sizeLimitBytes == other.sizeLimitBytes && readonly == other.readonly
    }
}

/// `emptydir.stowage.dev`: pod-scoped scratch volumes, published by the node agent with
/// `csi.storage.k8s.io/ephemeral: "true"` and the pod's identity, and gone with NodeUnpublishVolume.
///
/// Every call runs under one lock and decides from the durable records and `/proc/self/mountinfo`, so a
/// restart keeps every pod's volume, and a publish repeated after a reboot mounts it again (a Memory volume
/// comes back empty, as after a reboot in Kubernetes).
final class EmptyDirDriver: Driver, @unchecked Sendable {
    static let name = "emptydir.stowage.dev"
    static let version = "0.1.0"
    enum ContextKey {
        static let ephemeral = "csi.storage.k8s.io/ephemeral"
        static let podUID = "csi.storage.k8s.io/pod.uid"
        /// `""` or `"Memory"`, as in `emptyDir.medium`.
        static let medium = "medium"
        /// A quantity, as in `emptyDir.sizeLimit`.
        static let sizeLimit = "sizeLimit"
    }

    let configuration: EmptyDirConfiguration
    let quota: Result<ProjectQuota, ProjectQuota.Unsupported>
    private let lock = NSLock()
    var published: DurableRecordDirectory<EphemeralRecord>

    init(_ configuration: EmptyDirConfiguration) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(atPath: configuration.baseDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o711])
        published = try DurableRecordDirectory(directory: "\(configuration.stateDirectory)/published", key: \.targetPath,
                                               fileName: pathHashFileName)
        do {
            quota = .success(try ProjectQuota(forPath: configuration.baseDirectory))
        } catch let error as ProjectQuota.Unsupported {
            quota = .failure(error)
        }
    }

    func locked<T>(_ body: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        do {
            return try body()
        } catch let error as CSIError {
            throw error
        } catch {
            throw CSIError.internal("\(error)", cause: error)
        }
    }

    func podDirectory(_ record: EphemeralRecord) -> String { "\(configuration.baseDirectory)/\(record.podUID)" }
    func volumeDirectory(_ record: EphemeralRecord) -> String { "\(podDirectory(record))/\(record.volumeId)" }

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: Self.name, vendorVersion: Self.version)
    }
    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse {
        GetPluginCapabilitiesResponse(capabilities: [])
    }
    func probe(_ request: ProbeRequest) async throws -> ProbeResponse { ProbeResponse(ready: true) }
    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        NodeGetCapabilitiesResponse(capabilities: [.rpc(.getVolumeStats)])
    }
    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse {
        NodeGetInfoResponse(nodeId: configuration.nodeID,
                            accessibleTopology: Topology(segments: ["topology.stowage.dev/node": configuration.nodeID]))
    }
}
