#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

/// `loop.stowage.dev`: block volumes backed by sparse files, attached as loop devices, offered raw (Block
/// volumeMode) or formatted ext4/xfs (Filesystem volumeMode). See drivers/loop/README.md.
///
/// Threading: calls run concurrently; every call about one volume (or snapshot) holds that id's lock, so the
/// steps of one volume never interleave. State lives in files (`LoopStore`) and in the kernel (loop devices,
/// mounts); nothing is trusted from memory across calls.
final class LoopDriver: Driver {
    static let name = "loop.stowage.dev"
    static let version = "0.1.0"
    /// The StorageClass parameter naming the filesystem (`ext4` default, `xfs`).
    static let fsTypeParameters = ["fsType", "csi.storage.k8s.io/fstype"]
    /// The topology segment of the node this driver serves (the node agent labels its Node with it).
    static let topologyKey = "topology.stowage.dev/node"


    let store: LoopStore
    let nodeID: String
    let directIO: Bool
    /// How long unstaging waits for a loop device's last other user to let it go (see `detachAndAwaitRelease`).
    let releaseTimeout: Duration
    let locks = KeyedLocks()

    init(stateDirectory: String, nodeID: String, directIO: Bool, releaseTimeout: Duration) throws {
        store = try LoopStore(stateDirectory: stateDirectory)
        self.nodeID = nodeID
        self.directIO = directIO
        self.releaseTimeout = releaseTimeout
    }

    // MARK: Identity

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: Self.name, vendorVersion: Self.version)
    }

    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse {
        GetPluginCapabilitiesResponse(capabilities: [.service(.controllerService), .service(.volumeAccessibilityConstraints),
                                                     .volumeExpansion(.online)])
    }

    func probe(_ request: ProbeRequest) async throws -> ProbeResponse {
        guard LoopDevice.isAvailable else {
            throw CSIError(.failedPrecondition, "/dev/loop-control is not available: loop devices cannot be made on this node")
        }
        return ProbeResponse(ready: true)
    }

    func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse {
        ControllerGetCapabilitiesResponse(capabilities: [
            .rpc(.createDeleteVolume), .rpc(.listVolumes), .rpc(.getCapacity), .rpc(.expandVolume),
            .rpc(.createDeleteSnapshot), .rpc(.listSnapshots), .rpc(.cloneVolume), .rpc(.getVolume),
            .rpc(.singleNodeMultiWriter),
        ])
    }

    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        NodeGetCapabilitiesResponse(capabilities: [
            .rpc(.stageUnstageVolume), .rpc(.getVolumeStats), .rpc(.expandVolume), .rpc(.singleNodeMultiWriter),
        ])
    }

    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse {
        NodeGetInfoResponse(nodeId: nodeID, accessibleTopology: Topology(segments: [Self.topologyKey: nodeID]))
    }

    // MARK: Shared rules

    /// Access modes of one node: a loop device lives on one machine.
    static let supportedModes: Set<VolumeCapability.AccessMode.Mode> = [
        .singleNodeWriter, .singleNodeReaderOnly, .singleNodeSingleWriter, .singleNodeMultiWriter,
    ]

    /// Why `capability` cannot be served, or nil when it can.
    static func unsupportedReason(_ capability: VolumeCapability) -> String? {
        guard let accessType = capability.accessType else { return "a volume capability needs mount or block access" }
        guard let mode = capability.accessMode?.mode, supportedModes.contains(mode) else {
            return "access mode \(capability.accessMode?.mode.rawValue ?? "none") is not supported; loop volumes are single-node"
        }
        if case .mount(let mount) = accessType, !mount.fsType.isEmpty, Filesystem(rawValue: mount.fsType) == nil {
            return "fsType \"\(mount.fsType)\" is not supported (ext4 or xfs)"
        }
        return nil
    }

    /// The filesystem for a mount: the capability's fsType, else the StorageClass parameter, else ext4.
    static func filesystem(_ mount: VolumeCapability.MountVolume?, parameters: [String: String]) throws -> Filesystem {
        let asked = [mount?.fsType ?? ""] + fsTypeParameters.map { parameters[$0] ?? "" }
        let name = asked.first { !$0.isEmpty } ?? "ext4"
        guard let filesystem = Filesystem(rawValue: name) else {
            throw CSIError.invalidArgument("fsType \"\(name)\" is not supported (ext4 or xfs)")
        }
        return filesystem
    }

    /// The record of an existing volume; NOT_FOUND otherwise (an id that is not a valid name never exists).
    func existingVolume(_ id: String) throws -> VolumeRecord {
        guard LoopStore.isValidID(id), let record = try store.volume(id) else {
            throw CSIError.notFound("volume \(id) does not exist")
        }
        return record
    }

    func describe(_ record: VolumeRecord) -> Volume {
        var source: VolumeContentSource?
        if let raw = record.contentSource {
            if raw.hasPrefix("snapshot:") { source = .snapshot(snapshotId: String(raw.dropFirst("snapshot:".count))) }
            if raw.hasPrefix("volume:") { source = .volume(volumeId: String(raw.dropFirst("volume:".count))) }
        }
        var context: [String: String] = [:]
        if let fs = Self.fsTypeParameters.compactMap({ record.parameters[$0] }).first { context["fsType"] = fs }
        // A backing file on this machine: reachable from this node only.
        return Volume(capacityBytes: record.capacityBytes, volumeId: record.id, volumeContext: context, contentSource: source,
                      accessibleTopology: [Topology(segments: [Self.topologyKey: nodeID])])
    }
}

/// Maps a Linux failure to INTERNAL with the call, path and errno in the message.
func internalError(_ what: String, _ error: any Error) -> CSIError {
    if let csi = error as? CSIError { return csi }
    return CSIError.internal("\(what): \(error)", cause: error)
}
