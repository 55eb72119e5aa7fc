import Foundation
import StowageCSI

/// Helpers that create what the checks need and register its release, so every check cleans up after itself
/// even when it fails half-way, and one violation never cascades into the checks after it.
extension SanityContext {
    /// The capability the checks use: the configured access type with `mode`.
    func capability(_ mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter) -> VolumeCapability {
        switch configuration.accessType {
        case .mount: return .mount(mode: mode)
        case .block: return .block(mode: mode)
        }
    }

    /// A volume name unique to this run.
    func volumeName(_ label: String) -> String { "sanity-\(runID)-\(checkIndex)-\(label)-\(nextNumber())" }

    /// The CreateVolume request the checks send for `name`.
    func createRequest(name: String, mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter,
                       size: Int64? = nil) -> CreateVolumeRequest {
        let bytes = size ?? configuration.volumeSize
        return CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: bytes),
            volumeCapabilities: [capability(mode)], parameters: configuration.parameters)
    }

    /// Creates a volume (deleted again after the check). Skips the check when the driver cannot create volumes.
    func newVolume(_ label: String = "vol", mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter,
                   size: Int64? = nil) async throws -> Volume {
        try requireController(.createDeleteVolume)
        let response = try await ok(createRequest(name: volumeName(label), mode: mode, size: size), "a new volume")
        guard let volume = response.volume, !volume.volumeId.isEmpty else {
            throw CheckFailure("CreateVolume answered without volume.volumeId")
        }
        registerDelete(volume.volumeId)
        return volume
    }

    /// Registers DeleteVolume of `volumeId` as a clean-up action.
    func registerDelete(_ volumeId: String) {
        onCleanup("DeleteVolume \(volumeId)") { [unowned self] in
            _ = try await ok(DeleteVolumeRequest(volumeId: volumeId), "clean-up")
        }
    }

    /// A fresh staging directory, created as the caller (CO) creates it.
    func newStagingPath() throws -> String {
        let path = "\(checkStagingDirectory)/staging-\(nextNumber())"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CheckFailure("cannot create staging directory \(path): \(error.localizedDescription)")
        }
        return path
    }

    /// A fresh target path whose parent exists; the driver creates the target itself.
    func newTargetPath() throws -> String {
        let parent = "\(checkTargetDirectory)/pod-\(nextNumber())"
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw CheckFailure("cannot create target parent \(parent): \(error.localizedDescription)")
        }
        return "\(parent)/volume"
    }

    /// The stage request for `volume` at `path`.
    func stageRequest(_ volume: Volume, at path: String,
                      mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter) -> NodeStageVolumeRequest {
        NodeStageVolumeRequest(volumeId: volume.volumeId, publishContext: publishContext, stagingTargetPath: path,
                               volumeCapability: capability(mode), volumeContext: volume.volumeContext)
    }

    /// Stages `volume` at a new staging path when the driver advertises STAGE_UNSTAGE_VOLUME (unstaged again
    /// after the check); returns the path, or nil for a driver without staging.
    func stageIfNeeded(_ volume: Volume, mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter) async throws -> String? {
        guard stages else { return nil }
        let path = try newStagingPath()
        try await stage(volume, at: path, mode: mode)
        return path
    }

    /// On a PUBLISH_UNPUBLISH_VOLUME driver, makes `volume` available on this node first (once per check) and
    /// keeps the publishContext for the node calls; the unpublish runs after the node clean-up.
    func controllerPublishIfNeeded(_ volume: Volume, mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter) async throws {
        guard hasController(.publishUnpublishVolume), !controllerPublished.contains(volume.volumeId) else { return }
        let node = try await ok(NodeGetInfoRequest(), "node id for ControllerPublishVolume").nodeId
        onCleanup("ControllerUnpublishVolume \(volume.volumeId)") { [unowned self] in
            _ = try await ok(ControllerUnpublishVolumeRequest(volumeId: volume.volumeId, nodeId: node), "clean-up")
        }
        let response = try await ok(ControllerPublishVolumeRequest(
            volumeId: volume.volumeId, nodeId: node, volumeCapability: capability(mode), volumeContext: volume.volumeContext))
        publishContext = response.publishContext
        controllerPublished.insert(volume.volumeId)
    }

    /// Stages `volume` at `path` and registers the unstage.
    func stage(_ volume: Volume, at path: String, mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter,
               _ step: String = "") async throws {
        try await controllerPublishIfNeeded(volume, mode: mode)
        registerUnstage(volume.volumeId, path)
        try await ok(stageRequest(volume, at: path, mode: mode), step)
    }

    func registerUnstage(_ volumeId: String, _ path: String) {
        onCleanup("NodeUnstageVolume \(path)") { [unowned self] in
            try await okOr(NodeUnstageVolumeRequest(volumeId: volumeId, stagingTargetPath: path), .notFound,
                           because: "clean-up after the check")
        }
    }

    /// The publish request for `volume` at `target`.
    func publishRequest(_ volume: Volume, staging: String?, target: String, readonly: Bool = false,
                        mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter) -> NodePublishVolumeRequest {
        NodePublishVolumeRequest(volumeId: volume.volumeId, publishContext: publishContext,
                                 stagingTargetPath: staging ?? "", targetPath: target,
                                 volumeCapability: capability(mode), readonly: readonly,
                                 volumeContext: volume.volumeContext)
    }

    /// Publishes `volume` at `target` and registers the unpublish.
    func publish(_ volume: Volume, staging: String?, target: String, readonly: Bool = false,
                 mode: VolumeCapability.AccessMode.Mode = .singleNodeWriter, _ step: String = "") async throws {
        try await controllerPublishIfNeeded(volume, mode: mode)
        registerUnpublish(volume.volumeId, target)
        try await ok(publishRequest(volume, staging: staging, target: target, readonly: readonly, mode: mode), step)
    }

    func registerUnpublish(_ volumeId: String, _ target: String) {
        onCleanup("NodeUnpublishVolume \(target)") { [unowned self] in
            try await okOr(NodeUnpublishVolumeRequest(volumeId: volumeId, targetPath: target), .notFound,
                           because: "clean-up after the check")
        }
    }

    /// Requires the target to exist as the access type prescribes (a directory, or for block a block device
    /// bind-mounted onto a file) and to be a mount point.
    func expectPublished(_ target: String, _ step: String) throws {
        let kind = HostPaths.kind(of: target)
        switch configuration.accessType {
        case .mount:
            try ensure(kind == .directory, "after NodePublishVolume (\(step)) the target \(target) is \(kind); want a directory")
        case .block:
            try ensure(kind == .blockDevice, "after NodePublishVolume (\(step)) the target \(target) is \(kind); want a block device")
        }
        try ensure(HostPaths.isMountPoint(target),
                   "after NodePublishVolume (\(step)) the target \(target) is not a mount point")
    }

    /// Requires the target to be gone (the driver removes what it created).
    func expectUnpublished(_ target: String, _ step: String) throws {
        try ensure(!HostPaths.isMountPoint(target),
                   "after NodeUnpublishVolume (\(step)) \(target) is still a mount point")
        let kind = HostPaths.kind(of: target)
        try ensure(kind == .missing, "after NodeUnpublishVolume (\(step)) the target \(target) is still there (\(kind)); "
                   + "the driver must remove the target it created")
    }
}
