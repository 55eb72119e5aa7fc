#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

/// The Node service: stage bind-mounts the volume's directory (or the static host path) at the staging path;
/// publish bind-mounts the staging path at each target, read-only when asked. Decisions come from the durable
/// records and `/proc/self/mountinfo`, so a restarted driver — or one after a reboot, with nothing mounted —
/// answers exactly as before and mounts again what is missing.
extension HostPathDriver {
    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        NodeGetCapabilitiesResponse(capabilities: [.rpc(.stageUnstageVolume), .rpc(.getVolumeStats)])
    }

    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse {
        NodeGetInfoResponse(nodeId: nodeID, accessibleTopology: Topology(segments: [Self.topologyKey: nodeID]))
    }

    func nodeStageVolume(_ request: NodeStageVolumeRequest) async throws -> NodeStageVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        try RequestChecks.require(request.stagingTargetPath, "stagingTargetPath")
        try RequestChecks.requireSupported(request.volumeCapability)
        let id = request.volumeId
        let staging = (request.stagingTargetPath as NSString).standardizingPath
        let capability = request.volumeCapability!
        let source = try await source(of: id, context: request.volumeContext)
        try await state.update { records in
            if let staged = records.staged[id] {
                if staged.stagingTargetPath != staging {
                    throw CSIError(.failedPrecondition, "volume \(id) is already staged at \(staged.stagingTargetPath)")
                }
                if staged.capability != capability {
                    throw CSIError(.alreadyExists, "volume \(id) is staged at \(staging) with another capability")
                }
                if !MountTable.isMountPoint(staging) { try mount(source, at: staging, readOnly: false) }
                return
            }
            try mount(source, at: staging, readOnly: false)
            records.staged[id] = .init(stagingTargetPath: staging, capability: capability, source: source)
        }
        return NodeStageVolumeResponse()
    }

    func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest) async throws -> NodeUnstageVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        try RequestChecks.require(request.stagingTargetPath, "stagingTargetPath")
        let id = request.volumeId
        let staging = (request.stagingTargetPath as NSString).standardizingPath
        try await state.update { records in
            guard let staged = records.staged[id], staged.stagingTargetPath == staging else { return }
            if let targets = records.published[id], !targets.isEmpty {
                throw CSIError(.failedPrecondition, "volume \(id) is still published at \(targets.keys.sorted().joined(separator: ", ")); unpublish first")
            }
            try unmount(staging)
            records.staged[id] = nil
        }
        return NodeUnstageVolumeResponse()
    }

    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        try RequestChecks.require(request.targetPath, "targetPath")
        guard request.volumeCapability != nil else { throw CSIError(.invalidArgument, "volumeCapability is required") }
        guard !request.stagingTargetPath.isEmpty else {
            throw CSIError(.failedPrecondition, "stagingTargetPath is required: this driver advertises STAGE_UNSTAGE_VOLUME, so NodeStageVolume comes first")
        }
        try RequestChecks.requireSupported(request.volumeCapability)
        let id = request.volumeId
        let target = (request.targetPath as NSString).standardizingPath
        let staging = (request.stagingTargetPath as NSString).standardizingPath
        let capability = request.volumeCapability!
        let mode = capability.accessMode?.mode
        let readOnly = request.readonly || mode == .singleNodeReaderOnly
        let wanted = HostPathState.PublishedRecord(stagingTargetPath: staging, readOnly: readOnly, capability: capability)
        if await state.volume(id) == nil, request.volumeContext[ContextKey.path] == nil {
            throw CSIError(.notFound, "volume \(id) does not exist")
        }
        try await state.update { records in
            guard let staged = records.staged[id], staged.stagingTargetPath == staging else {
                throw CSIError(.failedPrecondition, "volume \(id) is not staged at \(staging)")
            }
            for (other, targets) in records.published where other != id && targets[target] != nil {
                throw CSIError(.alreadyExists, "\(target) is the target of volume \(other)")
            }
            var targets = records.published[id] ?? [:]
            if let existing = targets[target] {
                if existing != wanted { throw CSIError(.alreadyExists, "volume \(id) is published at \(target) with other arguments") }
                if !MountTable.isMountPoint(target) { try mount(staging, at: target, readOnly: readOnly) }
                return
            }
            let modes = Set(targets.values.compactMap { $0.capability.accessMode?.mode } + [mode].compactMap { $0 })
            if !targets.isEmpty, modes.contains(.singleNodeSingleWriter) {
                throw CSIError(.failedPrecondition, "volume \(id) is SINGLE_NODE_SINGLE_WRITER and already published at \(targets.keys.sorted().joined(separator: ", "))")
            }
            try mount(staging, at: target, readOnly: readOnly)
            targets[target] = wanted
            records.published[id] = targets
        }
        return NodePublishVolumeResponse()
    }

    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        try RequestChecks.require(request.targetPath, "targetPath")
        let id = request.volumeId
        let target = (request.targetPath as NSString).standardizingPath
        try await state.update { records in
            guard var targets = records.published[id], targets[target] != nil else { return }
            try unmount(target)
            // rmdir, never a recursive removal: an unmounted target must be empty.
            if rmdir(target) != 0, errno != ENOENT { throw CSIError(.internal, "\(LinuxError.lastError("rmdir", path: target))") }
            targets[target] = nil
            records.published[id] = targets.isEmpty ? nil : targets
        }
        return NodeUnpublishVolumeResponse()
    }

    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        try RequestChecks.require(request.volumePath, "volumePath")
        let id = request.volumeId
        let path = (request.volumePath as NSString).standardizingPath
        var known = Set(await state.published(id).keys)
        if let staged = await state.staged(id) { known.insert(staged.stagingTargetPath) }
        if await state.volume(id) == nil, known.isEmpty { throw CSIError(.notFound, "volume \(id) does not exist") }
        guard request.volumePath.hasPrefix("/"), known.contains(path) else {
            throw CSIError(.notFound, "volume \(id) is not staged or published at \(request.volumePath)")
        }
        let stats: FilesystemStats
        do {
            stats = try FilesystemStats.of(path)
        } catch {
            throw CSIError(.notFound, "\(path): \(error)")
        }
        return NodeGetVolumeStatsResponse(usage: [
            VolumeUsage(available: stats.availableBytes, total: stats.totalBytes, used: stats.usedBytes, unit: .bytes),
            VolumeUsage(available: stats.freeInodes, total: stats.totalInodes, used: stats.usedInodes, unit: .inodes),
        ], volumeCondition: VolumeCondition(abnormal: false, message: "volume is healthy"))
    }

    // MARK: Helpers

    /// The directory a volume's staging mount shows: its own directory, or a checked static host path.
    private func source(of id: String, context: [String: String]) async throws -> String {
        if let path = try staticPaths.resolve(context) { return path }
        guard await state.volume(id) != nil else { throw CSIError(.notFound, "volume \(id) does not exist") }
        return volumeDirectory(id)
    }

    /// Creates the mount point (a directory) when missing and bind-mounts `source` there.
    private func mount(_ source: String, at target: String, readOnly: Bool) throws {
        var info = stat()
        if lstat(target, &info) != 0 {
            if mkdir(target, 0o750) != 0, errno != EEXIST { throw CSIError(.internal, "\(LinuxError.lastError("mkdir", path: target))") }
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            throw CSIError(.failedPrecondition, "\(target) exists and is not a directory")
        }
        do {
            try Mounts.bind(source, to: target, readOnly: readOnly)
        } catch {
            throw CSIError(.internal, "\(error)")
        }
    }

    private func unmount(_ target: String) throws {
        do {
            try Mounts.unmountAll(target)
        } catch {
            throw CSIError(.internal, "\(error)")
        }
    }
}
