import Foundation
import GRDB
import StowageCSI
import StowageLinux

/// `hostpath.stowage.dev`: directories under a base directory as volumes, bind-mounted into targets.
///
/// Every RPC runs under one lock and decides from the durable records and `/proc/self/mountinfo`, never from
/// memory alone, so a restarted driver (or one whose mounts a reboot removed) answers as before and mounts
/// again what a repeated publish asks for.
final class HostPathDriver: Driver, @unchecked Sendable {
    /// The topology segment of the node this driver serves (the node agent labels its Node with it).
    static let topologyKey = "topology.stowage.dev/node"

    static let name = "hostpath.stowage.dev"
    static let version = "0.1.0"
    /// Volume context keys this driver sets and reads.
    enum ContextKey {
        /// `"true"` when a project quota enforces the size, else `"false"`.
        static let sizeEnforced = "hostpath.stowage.dev/size-enforced"
        /// Why the size is not enforced (only when it is not).
        static let sizeNotEnforcedReason = "hostpath.stowage.dev/size-not-enforced-reason"
        /// Static volumes: the host path to bind-mount.
        static let staticPath = "hostpath.stowage.dev/path"
        /// Static volumes: the Kubernetes hostPath `type`.
        static let staticType = "hostpath.stowage.dev/type"
    }

    let configuration: HostPathConfiguration
    /// Project quotas of the base directory's filesystem, or why there are none.
    let quota: Result<ProjectQuota, ProjectQuota.Unsupported>
    private let lock = NSLock()
    /// The driver's database (`<state-dir>/hostpath.db`), which holds the volume records.
    let database: DatabaseQueue
    var volumes: RecordTable<VolumeRecord>
    var published: RecordTable<PublishRecord>
    /// Empty directories ready to become volumes' directories and mount targets.
    let spares: SpareDirectories

    init(_ configuration: HostPathConfiguration) throws {
        self.configuration = configuration
        try FileManager.default.createDirectory(atPath: configuration.baseDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o711])
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        database = try RecordDatabase.open("\(configuration.stateDirectory)/hostpath.db")
        // Earlier versions kept one file per volume in <state-dir>/volumes: moved into the database at start.
        volumes = try RecordTable(database: database, table: "volumes", key: \.name,
                                  importing: ("\(configuration.stateDirectory)/volumes", { "\($0).json" }))
        // Publish records describe bind mounts, which a reboot removes: they need to survive a crash of this
        // process (the mounts stay), not a power loss, so they are committed without a sync (removals are synced).
        // Earlier versions kept a file per target in <state-dir>/published: moved into the database at start.
        published = try RecordTable(database: database, table: "published", key: \.targetPath, synced: false,
                                    importing: ("\(configuration.stateDirectory)/published", pathHashFileName))
        spares = try SpareDirectories(baseDirectory: configuration.baseDirectory)
        do {
            quota = .success(try ProjectQuota(forPath: configuration.baseDirectory))
        } catch let error as ProjectQuota.Unsupported {
            quota = .failure(error)
        }
    }

    /// Runs `body` under the driver's lock; `LinuxError`s become INTERNAL with the error as cause.
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

    /// The directory of dynamic volume `id` (a name `SafeName` accepted).
    func directory(of id: String) -> String { "\(configuration.baseDirectory)/\(id)" }

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: Self.name, vendorVersion: Self.version)
    }

    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse {
        GetPluginCapabilitiesResponse(capabilities: [.service(.controllerService), .service(.volumeAccessibilityConstraints),
                                                     .volumeExpansion(.online)])
    }

    func probe(_ request: ProbeRequest) async throws -> ProbeResponse { ProbeResponse(ready: true) }
}

/// The access mode of a capability this driver serves, or INVALID_ARGUMENT saying what is wrong with it.
func supportedMode(_ capability: VolumeCapability?, _ field: String) throws -> VolumeCapability.AccessMode.Mode {
    guard let capability else { throw CSIError.invalidArgument("\(field) is required") }
    switch capability.accessType {
    case nil: throw CSIError.invalidArgument("\(field) needs an access type (mount or block)")
    case .block: throw CSIError.invalidArgument("\(field): block access is not supported; these volumes are directories")
    case .mount: break
    }
    guard let mode = capability.accessMode?.mode else { throw CSIError.invalidArgument("\(field).accessMode is required") }
    switch mode {
    case .singleNodeWriter, .singleNodeReaderOnly, .singleNodeSingleWriter, .singleNodeMultiWriter:
        return mode
    default:
        throw CSIError.invalidArgument("\(field).accessMode \(mode.rawValue) is not supported: volumes live on one node")
    }
}
