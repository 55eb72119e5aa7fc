import Foundation
import StowageCSI
import StowageLinux

extension EmptyDirDriver {
    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse {
        let id = request.volumeId
        guard !id.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        guard let capability = request.volumeCapability else { throw CSIError.invalidArgument("volumeCapability is required") }
        guard case .mount = capability.accessType else {
            throw CSIError.invalidArgument("volumeCapability must be mount access: an emptyDir is a directory")
        }
        guard let target = cleanAbsolutePath(request.targetPath) else {
            throw CSIError.invalidArgument("targetPath \(request.targetPath.debugDescription) must be an absolute path without \"..\"")
        }
        let context = request.volumeContext
        guard context[ContextKey.ephemeral] == "true" else {
            throw CSIError.notFound("volume \(id) does not exist: \(Self.name) serves only pod-scoped volumes "
                                    + "(volumeContext \(ContextKey.ephemeral)=\"true\")")
        }
        if let problem = SafeName.problem(with: id) { throw CSIError.invalidArgument("volumeId \(id.debugDescription) \(problem)") }
        guard let pod = context[ContextKey.podUID], !pod.isEmpty else {
            throw CSIError.invalidArgument("volumeContext \(ContextKey.podUID) is required for an ephemeral volume")
        }
        if let problem = SafeName.problem(with: pod) { throw CSIError.invalidArgument("pod uid \(pod.debugDescription) \(problem)") }
        let medium = context[ContextKey.medium] ?? ""
        guard medium == "" || medium == "Memory" else {
            throw CSIError.invalidArgument("medium \(medium.debugDescription) is not supported; use \"\" (disk) or \"Memory\"")
        }
        var sizeLimit: Int64?
        if let text = context[ContextKey.sizeLimit], !text.isEmpty {
            guard let bytes = parseQuantity(text), bytes > 0 else {
                throw CSIError.invalidArgument("sizeLimit \(text.debugDescription) is not a positive quantity (like 64Mi)")
            }
            sizeLimit = bytes
        }
        let mode = capability.accessMode?.mode
        let readonly = request.readonly || mode == .singleNodeReaderOnly
        var wanted = EphemeralRecord(volumeId: id, targetPath: target, podUID: pod, medium: medium, sizeLimitBytes: sizeLimit,
                                     readonly: readonly)
        return try locked {
            if let existing = published[target] {
                guard existing.sameRequest(as: wanted) else {
                    throw CSIError.alreadyExists("\(target) is already published (volume \(existing.volumeId) of pod \(existing.podUID)) with other arguments")
                }
                if try !MountInfo.isMountPoint(target) {  // after a reboot: mount again
                    try mountVolume(existing)
                }
                return NodePublishVolumeResponse()
            }
            if let other = published.records.values.first(where: { $0.podUID == pod && $0.volumeId == id }) {
                throw CSIError.failedPrecondition("volume \(id) of pod \(pod) is already published at \(other.targetPath)")
            }
            if medium == "", let sizeLimit {
                switch quota {
                case .success: wanted.projectID = nextProjectID()
                case .failure(let reason): wanted.sizeNotEnforcedReason = reason.description
                }
                _ = sizeLimit
            }
            do {
                try mountVolume(wanted)
                try published.put(target, wanted)
            } catch {
                _ = try? Mount.unmountAll(target)
                rmdir(target)
                if medium == "" { try? SafeRemoval.remove(id, in: podDirectory(wanted)) }
                throw error
            }
            return NodePublishVolumeResponse()
        }
    }

    private func nextProjectID() -> UInt32 {
        max(configuration.projectIDBase, (published.records.values.compactMap(\.projectID).max() ?? 0) &+ 1)
    }

    /// Creates the target and mounts the volume there: a tmpfs for Memory, else a bind mount of the pod's
    /// directory (created mode 0777, with its project quota when it has one).
    func mountVolume(_ record: EphemeralRecord) throws {
        if mkdir(record.targetPath, 0o750) != 0 && errno != EEXIST {
            if errno == ENOENT { throw CSIError.notFound("the parent of targetPath \(record.targetPath) does not exist; the caller creates it") }
            throw LinuxError.lastError("mkdir", path: record.targetPath)
        }
        if record.medium == "Memory" {
            let flags: Mount.Flags = record.readonly ? [.noDevices, .noSetUID, .readOnly] : [.noDevices, .noSetUID]
            try Mount.tmpfs(at: record.targetPath, sizeBytes: record.sizeLimitBytes ?? configuration.defaultMemoryBytes, flags: flags)
            return
        }
        let pod = podDirectory(record)
        if mkdir(pod, 0o711) != 0 && errno != EEXIST { throw LinuxError.lastError("mkdir", path: pod) }
        let directory = volumeDirectory(record)
        if mkdir(directory, 0o777) != 0 && errno != EEXIST { throw LinuxError.lastError("mkdir", path: directory) }
        try checkedSystemCall("chmod", path: directory) { chmod(directory, 0o777) }
        if let id = record.projectID, let limit = record.sizeLimitBytes, case .success(let quota) = quota {
            try quota.assign(directory: directory, projectID: id)
            try quota.setLimit(projectID: id, bytes: limit)
        }
        try Mount.bind(directory, to: record.targetPath, readOnly: record.readonly)
    }

    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        guard let target = cleanAbsolutePath(request.targetPath) else { return NodeUnpublishVolumeResponse() }
        return try locked {
            guard let record = published[target], record.volumeId == request.volumeId else {
                return NodeUnpublishVolumeResponse()  // not published there: nothing to do
            }
            // The pod is done with the volume on this node: unmount, then delete what it held.
            try Mount.unmountAll(target)
            if rmdir(target) != 0 && errno != ENOENT { throw LinuxError.lastError("rmdir", path: target) }
            if record.medium == "" {
                do {
                    try SafeRemoval.remove(record.volumeId, in: podDirectory(record))
                } catch let error as LinuxError where error.errno == ENOENT {
                    // the pod directory is already gone
                }
                if let id = record.projectID, case .success(let quota) = quota { try? quota.setLimit(projectID: id, bytes: 0) }
                rmdir(podDirectory(record))  // only when empty: other volumes of the pod stay
            }
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
            let inodes = VolumeUsage(available: stats.availableInodes, total: stats.totalInodes, used: stats.usedInodes, unit: .inodes)
            if record.medium == "Memory" {
                return NodeGetVolumeStatsResponse(usage: [
                    VolumeUsage(available: stats.availableBytes, total: stats.totalBytes, used: stats.usedBytes, unit: .bytes), inodes,
                ], volumeCondition: VolumeCondition(abnormal: false, message: "ok"))
            }
            let used: Int64
            if let id = record.projectID, case .success(let quota) = quota {
                used = try quota.usage(projectID: id).bytes
            } else {
                used = try DirectoryUsage.measure(volumeDirectory(record)).bytes
            }
            let total = record.sizeLimitBytes ?? (used + stats.availableBytes)
            var condition = VolumeCondition(abnormal: false, message: "ok")
            if let limit = record.sizeLimitBytes, used > limit {
                condition = VolumeCondition(abnormal: true, message: "uses \(used) bytes, over its sizeLimit of \(limit) bytes (not enforced: \(record.sizeNotEnforcedReason ?? "unknown"))")
            }
            return NodeGetVolumeStatsResponse(usage: [
                VolumeUsage(available: max(0, min(total - used, stats.availableBytes)), total: total, used: used, unit: .bytes), inodes,
            ], volumeCondition: condition)
        }
    }
}
