import Foundation
import StowageCSI
import StowageLinux

/// The node service: publish bind-mounts the volume (or the static host path) onto the target, which the
/// driver creates; unpublish unmounts and removes it. No staging: a directory needs no per-node preparation.
extension HostPathDriver {
    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        NodeGetCapabilitiesResponse(capabilities: [.rpc(.getVolumeStats)])
    }

    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse {
        NodeGetInfoResponse(nodeId: configuration.nodeID,
                            accessibleTopology: Topology(segments: [HostPathDriver.topologyKey: configuration.nodeID]))
    }

    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse {
        let id = request.volumeId
        guard !id.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        let mode = try supportedMode(request.volumeCapability, "volumeCapability")
        guard let target = cleanAbsolutePath(request.targetPath) else {
            throw CSIError.invalidArgument("targetPath \(request.targetPath.debugDescription) must be an absolute path without \"..\"")
        }
        let readonly = request.readonly || mode == .singleNodeReaderOnly
        return try locked {
            let source: String
            var isFile = false
            if let hostPath = request.volumeContext[ContextKey.staticPath] {
                let checked = try StaticHostPath(path: hostPath, type: request.volumeContext[ContextKey.staticType] ?? "",
                                                 allowList: configuration.allowList)
                guard checked.path != spares.directory && !checked.path.hasPrefix(spares.directory + "/") else {
                    throw CSIError(.permissionDenied, "\(hostPath) is inside \(spares.directory), where the driver keeps directories for future volumes")
                }
                source = checked.path
                isFile = checked.isFile
            } else {
                guard SafeName.isSafe(id), volumes[id] != nil else { throw CSIError.notFound("volume \(id) does not exist") }
                source = directory(of: id)
            }
            let wanted = PublishRecord(volumeId: id, targetPath: target, readonly: readonly, accessMode: mode.rawValue,
                                       volumeContext: request.volumeContext, source: source, targetIsFile: isFile)
            if let existing = published[target] {
                guard existing == wanted else {
                    throw CSIError.alreadyExists(existing.volumeId == id
                        ? "volume \(id) is already published at \(target) with other arguments"
                        : "\(target) is the target of volume \(existing.volumeId)")
                }
                if try !MountInfo.isMountPoint(target) {  // after a reboot: mount again
                    try createTarget(target, isFile: isFile)
                    try Mount.bind(source, to: target, readOnly: readonly)
                }
                return NodePublishVolumeResponse()
            }
            let others = published.records.values.filter { $0.volumeId == id }
            if !others.isEmpty && (mode == .singleNodeSingleWriter || others.contains { $0.accessMode == VolumeCapability.AccessMode.Mode.singleNodeSingleWriter.rawValue }) {
                throw CSIError.failedPrecondition("volume \(id) is SINGLE_NODE_SINGLE_WRITER and already published at \(others.map(\.targetPath).sorted().joined(separator: ", "))")
            }
            let created = try createTarget(target, isFile: isFile)
            do {
                try Mount.bind(source, to: target, readOnly: readonly)
                try published.put(target, wanted)
            } catch {
                _ = try? Mount.unmountAll(target)
                if created { _ = isFile ? unlink(target) : rmdir(target) }
                throw error
            }
            return NodePublishVolumeResponse()
        }
    }

    /// Creates the target (a directory, or an empty file for a file source) unless it exists; returns whether
    /// it was created. The caller has created the parent.
    @discardableResult
    func createTarget(_ target: String, isFile: Bool) throws -> Bool {
        if isFile {
            let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 { close(fd); return true }
            if errno == EEXIST { return false }
            throw LinuxError.lastError("open", path: target)
        }
        var existing = stat()
        if lstat(target, &existing) == 0 { return false }
        do {
            try spares.take(to: target, mode: 0o750)
            return true
        } catch let error as LinuxError where error.errno == EEXIST {
            return false
        } catch let error as LinuxError where error.errno == ENOENT {
            throw CSIError.notFound("the parent of targetPath \(target) does not exist; the caller creates it")
        }
    }

    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        guard let target = cleanAbsolutePath(request.targetPath) else { return NodeUnpublishVolumeResponse() }
        return try locked {
            guard let record = published[target], record.volumeId == request.volumeId else {
                return NodeUnpublishVolumeResponse()  // not published there: nothing to do
            }
            try Mount.unmountAll(target)
            let removed = record.targetIsFile ? unlink(target) : rmdir(target)  // never recursive: it must be empty
            if removed != 0 && errno != ENOENT { throw LinuxError.lastError(record.targetIsFile ? "unlink" : "rmdir", path: target) }
            try published.remove(target)
            return NodeUnpublishVolumeResponse()
        }
    }

    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumePath.isEmpty else { throw CSIError.invalidArgument("volumePath is required") }
        return try locked {
            guard let path = cleanAbsolutePath(request.volumePath), let record = published[path],
                  record.volumeId == request.volumeId else {
                throw CSIError.notFound("volume \(request.volumeId) is not published at \(request.volumePath)")
            }
            guard try MountInfo.isMountPoint(path) else {
                return NodeGetVolumeStatsResponse(volumeCondition: VolumeCondition(
                    abnormal: true, message: "\(path) is not mounted (after a reboot?); publish it again"))
            }
            let stats = try FilesystemStats(path: path)
            var bytes = VolumeUsage(available: stats.availableBytes, total: stats.totalBytes, used: stats.usedBytes, unit: .bytes)
            if let volume = volumes[record.volumeId], let id = volume.projectID, case .success(let quota) = quota {
                let usage = try quota.usage(projectID: id)
                let limit = usage.limitBytes > 0 ? usage.limitBytes : volume.capacityBytes
                bytes = VolumeUsage(available: max(0, min(limit - usage.bytes, stats.availableBytes)), total: limit,
                                    used: usage.bytes, unit: .bytes)
            }
            let inodes = VolumeUsage(available: stats.availableInodes, total: stats.totalInodes, used: stats.usedInodes, unit: .inodes)
            return NodeGetVolumeStatsResponse(usage: [bytes, inodes], volumeCondition: VolumeCondition(abnormal: false, message: "ok"))
        }
    }
}
