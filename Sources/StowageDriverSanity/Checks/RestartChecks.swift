import Foundation
import StowageCSI

/// Beyond csi-sanity: the driver is restarted in the middle of lifecycles and every later call must still
/// behave. A driver that keeps its state only in memory fails here.
enum RestartChecks {
    static let all: [SanityCheck] = [afterCreate, afterStage, afterPublish]

    static let afterCreate = SanityCheck(
        "Restart/after-create", "after a restart, CreateVolume of an existing name returns the same volume"
    ) { context in
        try requireRestart(context)
        let request = context.createRequest(name: context.volumeName("restart-create"))
        let volume = try await context.newVolume(request)
        try await context.restartDriver("after CreateVolume")
        let again = try await context.ok(request, "same name after the restart")
        try ensure(again.volume?.volumeId == volume.volumeId,
                   "after the restart CreateVolume returned \(again.volume?.volumeId ?? "nil"); before it \(volume.volumeId)")
    }

    static let afterStage = SanityCheck(
        "Restart/after-stage",
        "after a restart with a volume staged: stage again is OK, elsewhere is FAILED_PRECONDITION, publish and unstage work"
    ) { context in
        try requireRestart(context)
        try context.requireNode(.stageUnstageVolume)
        let volume = try await context.newVolume()
        let staging = try context.newStagingPath()
        try await context.stage(volume, at: staging, "before the restart")
        try await context.restartDriver("after NodeStageVolume")
        try await context.ok(context.stageRequest(volume, at: staging), "identical, after the restart")
        let other = try context.newStagingPath()
        context.registerUnstage(volume.volumeId, other)
        try await context.fails(context.stageRequest(volume, at: other), with: .failedPrecondition,
                                because: "the volume was staged elsewhere before the restart")
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target, "after the restart")
        try context.expectPublished(target, "after the restart")
        try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target), "after the restart")
        try context.expectUnpublished(target, "after the restart")
        try await context.ok(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging), "after the restart")
        try ensure(!HostPaths.isMountPoint(staging),
                   "after the restart NodeUnstageVolume left the staging path \(staging) mounted")
    }

    static let afterPublish = SanityCheck(
        "Restart/after-publish",
        "after a restart with a volume published: publish again is OK, other arguments ALREADY_EXISTS, unpublish unmounts"
    ) { context in
        try requireRestart(context)
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target, "before the restart")
        try await context.restartDriver("after NodePublishVolume")
        try await context.ok(context.publishRequest(volume, staging: staging, target: target), "identical, after the restart")
        try context.expectPublished(target, "identical, after the restart")
        let count = HostPaths.mountPoints().filter { $0 == target }.count
        try ensure(count == 1, "after the restart a repeated NodePublishVolume left \(target) mounted \(count) times; want once")
        try await context.fails(context.publishRequest(volume, staging: staging, target: target, readonly: true),
                                with: .alreadyExists, because: "the target was published read-write before the restart")
        if context.hasNode(.getVolumeStats) {
            try await context.ok(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target), "after the restart")
        }
        try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target), "after the restart")
        try context.expectUnpublished(target, "after the restart")
        if let staging {
            try await context.ok(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging),
                                 "after the restart")
            try ensure(!HostPaths.isMountPoint(staging),
                       "after the restart NodeUnstageVolume left the staging path \(staging) mounted")
        }
        try await context.ok(DeleteVolumeRequest(volumeId: volume.volumeId), "after the restart")
    }

    static func requireRestart(_ context: SanityContext) throws {
        try context.requireDiscovery()
        guard context.configuration.canRestart else { throw CheckSkip("no restart command given (--restart-command)") }
    }
}

extension SanityContext {
    /// Creates the volume `request` describes and registers its deletion.
    func newVolume(_ request: CreateVolumeRequest) async throws -> Volume {
        try requireController(.createDeleteVolume)
        guard let volume = try await ok(request, "a new volume").volume, !volume.volumeId.isEmpty else {
            throw CheckFailure("CreateVolume answered without volume.volumeId")
        }
        registerDelete(volume.volumeId)
        return volume
    }
}
