import Foundation
import StowageCSI

extension TestDirectoryDriver {
    func nodeStageVolume(_ request: NodeStageVolumeRequest) async throws -> NodeStageVolumeResponse {
        if breakage.contains(.noStaging) { throw CSIError.unimplemented("NodeStageVolume") }
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.stagingTargetPath.isEmpty else { throw CSIError.invalidArgument("stagingTargetPath is required") }
        try Self.checkSupported(request.volumeCapability)
        let source = await state.volumeDirectory(request.volumeId)
        try await state.update { records in
            guard records.volumes[request.volumeId] != nil else { throw CSIError.notFound("no volume \(request.volumeId)") }
            if let staged = records.staged[request.volumeId] {
                guard staged == request.stagingTargetPath else {
                    throw CSIError.failedPrecondition("volume \(request.volumeId) is staged at \(staged)")
                }
                return
            }
            if !Self.isBlock(request.volumeCapability) {
                try TestMounts.bind(source, request.stagingTargetPath, readOnly: false)
            }
            records.staged[request.volumeId] = request.stagingTargetPath
        }
        return NodeStageVolumeResponse()
    }

    func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest) async throws -> NodeUnstageVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.stagingTargetPath.isEmpty else { throw CSIError.invalidArgument("stagingTargetPath is required") }
        let breakage = self.breakage
        try await state.update { records in
            guard records.staged[request.volumeId] == request.stagingTargetPath else {
                if breakage.contains(.unstageNeverStagedNotFound), records.volumes[request.volumeId] != nil {
                    throw CSIError.notFound("volume \(request.volumeId) is not staged at \(request.stagingTargetPath)")
                }
                return
            }
            try TestMounts.unmount(request.stagingTargetPath)
            records.staged[request.volumeId] = nil
        }
        return NodeUnstageVolumeResponse()
    }

    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        if breakage.contains(.lookupBeforeArgumentCheck), await state.records.volumes[request.volumeId] == nil {
            throw CSIError.notFound("no volume \(request.volumeId)")
        }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        try Self.checkSupported(request.volumeCapability)
        var staging = request.stagingTargetPath
        if staging.isEmpty {
            guard !breakage.isDisjoint(with: [.publishWithoutStaging, .noStaging]) else {
                throw CSIError.failedPrecondition("stagingTargetPath is required: the driver stages volumes")
            }
            staging = await state.volumeDirectory(request.volumeId)
        }
        let wanted = TestDriverRecords.Publication(stagingTargetPath: staging, readonly: request.readonly,
                                                   mode: request.volumeCapability?.accessMode?.mode.rawValue ?? "")
        let breakage = self.breakage
        try await state.update { records in
            guard records.volumes[request.volumeId] != nil else { throw CSIError.notFound("no volume \(request.volumeId)") }
            guard !breakage.isDisjoint(with: [.publishWithoutStaging, .noStaging]) || records.staged[request.volumeId] == staging else {
                throw CSIError.failedPrecondition("volume \(request.volumeId) is not staged at \(staging)")
            }
            var targets = records.published[request.volumeId] ?? [:]
            if let existing = targets[request.targetPath] {
                guard existing == wanted else { throw CSIError.alreadyExists("\(request.targetPath) is published with other arguments") }
                return
            }
            if !targets.isEmpty, wanted.mode == "SINGLE_NODE_SINGLE_WRITER" || targets.values.contains(where: { $0.mode == "SINGLE_NODE_SINGLE_WRITER" }) {
                throw CSIError.failedPrecondition("volume \(request.volumeId) is a single writer and already published")
            }
            let block = Self.isBlock(request.volumeCapability)
            if block {
                guard FileManager.default.createFile(atPath: request.targetPath, contents: nil) else {
                    throw CSIError.internal("cannot create \(request.targetPath)")
                }
            } else {
                try FileManager.default.createDirectory(atPath: request.targetPath, withIntermediateDirectories: false)
            }
            do {
                try TestMounts.bind(block ? Self.blockDevice ?? "" : staging, request.targetPath, readOnly: request.readonly || breakage.contains(.publishesReadOnly))
            } catch {
                try? FileManager.default.removeItem(atPath: request.targetPath)
                throw error
            }
            targets[request.targetPath] = wanted
            records.published[request.volumeId] = targets
        }
        return NodePublishVolumeResponse()
    }

    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        let breakage = self.breakage
        try await state.update { records in
            guard records.published[request.volumeId]?[request.targetPath] != nil else { return }
            try TestMounts.unmount(request.targetPath)
            if !breakage.contains(.leavesTarget) { remove(request.targetPath) }
            records.published[request.volumeId]?[request.targetPath] = nil
        }
        return NodeUnpublishVolumeResponse()
    }

    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumePath.isEmpty else { throw CSIError.invalidArgument("volumePath is required") }
        let records = await state.records
        guard records.volumes[request.volumeId] != nil else { throw CSIError.notFound("no volume \(request.volumeId)") }
        let known = Set((records.published[request.volumeId] ?? [:]).keys).union([records.staged[request.volumeId]].compactMap { $0 })
        guard request.volumePath.hasPrefix("/"), known.contains(request.volumePath) else {
            throw CSIError.notFound("volume \(request.volumeId) is not at \(request.volumePath)")
        }
        var info = statvfs()
        guard statvfs(request.volumePath, &info) == 0 else { throw CSIError.notFound("\(request.volumePath) does not exist") }
        let block = Int64(info.f_frsize)
        return NodeGetVolumeStatsResponse(usage: [VolumeUsage(
            available: Int64(info.f_bavail) * block, total: Int64(info.f_blocks) * block,
            used: Int64(info.f_blocks - info.f_bfree) * block, unit: .bytes)])
    }
}
