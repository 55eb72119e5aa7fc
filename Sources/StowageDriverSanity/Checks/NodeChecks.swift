import Foundation
import StowageCSI

/// The Node service: capabilities, NodeGetInfo, staging and publishing rules (idempotency, conflicts, target
/// paths created and removed by the driver) and NodeGetVolumeStats paths.
enum NodeChecks {
    static let all: [SanityCheck] = [capabilitiesKnown, getInfo] + NodeArgumentChecks.all + [
        stageIdempotent, stageOtherPath, unstageNeverStaged, publishWithoutStagingPath, publishCreatesTarget,
        unpublishRemovesTarget, publishIdempotent, publishSameTargetOtherArguments, publishSingleWriterTwice,
        publishReadOnly, unpublishNeverPublished, statsPublished, statsWrongPath, statsRelativePath,
    ]

    static let capabilitiesKnown = SanityCheck(
        "Node/capabilities-known", "NodeGetCapabilities lists only known RPC types"
    ) { context in
        let response = try await context.ok(NodeGetCapabilitiesRequest())
        for capability in response.capabilities {
            guard let type = capability.rpc?.type else { throw CheckFailure("a node capability has no rpc") }
            try ensure(type.isKnown && type != .unknown, "NodeGetCapabilities lists rpc type \"\(type)\"")
        }
    }

    static let getInfo = SanityCheck("Node/get-info", "NodeGetInfo returns a non-empty nodeId") { context in
        let info = try await context.ok(NodeGetInfoRequest())
        try ensure(!info.nodeId.isEmpty, "NodeGetInfo returned an empty nodeId")
        try ensure(info.maxVolumesPerNode >= 0, "NodeGetInfo returned maxVolumesPerNode \(info.maxVolumesPerNode)")
    }

    static let stageIdempotent = SanityCheck(
        "Node/stage-idempotent", "NodeStageVolume repeated with identical arguments is OK"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        let volume = try await context.newVolume()
        let path = try context.newStagingPath()
        try await context.stage(volume, at: path, "first")
        try await context.ok(context.stageRequest(volume, at: path), "repeated with identical arguments")
    }

    static let stageOtherPath = SanityCheck(
        "Node/stage-other-path", "NodeStageVolume of a volume staged elsewhere is FAILED_PRECONDITION"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        let volume = try await context.newVolume()
        try await context.stage(volume, at: try context.newStagingPath(), "first path")
        let other = try context.newStagingPath()
        context.registerUnstage(volume.volumeId, other)
        try await context.fails(context.stageRequest(volume, at: other), with: .failedPrecondition,
                                because: "the volume is already staged at another staging path")
    }

    static let unstageNeverStaged = SanityCheck(
        "Node/unstage-never-staged", "NodeUnstageVolume of an existing volume that was never staged is OK (not NOT_FOUND)"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        let volume = try await context.newVolume()
        try await context.ok(NodeUnstageVolumeRequest(volumeId: volume.volumeId,
                                                      stagingTargetPath: try context.newStagingPath()),
                             "the volume exists but is not staged there: nothing to do is OK")
    }

    static let publishWithoutStagingPath = SanityCheck(
        "Node/publish-without-staging-path",
        "NodePublishVolume without stagingTargetPath on a STAGE_UNSTAGE_VOLUME driver is FAILED_PRECONDITION"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        let volume = try await context.newVolume()
        _ = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        context.registerUnpublish(volume.volumeId, target)
        try await context.fails(context.publishRequest(volume, staging: nil, target: target), with: .failedPrecondition,
                                because: "the driver advertises STAGE_UNSTAGE_VOLUME, so publish needs the staging path")
    }

    static let publishCreatesTarget = SanityCheck(
        "Node/publish-creates-target",
        "NodePublishVolume creates the target (a directory, or a file for block) and mounts the volume there"
    ) { context in
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target)
        try context.expectPublished(target, "to a target the caller did not create")
    }

    static let unpublishRemovesTarget = SanityCheck(
        "Node/unpublish-removes-target", "NodeUnpublishVolume unmounts and removes the target the driver created"
    ) { context in
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target)
        try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
        try context.expectUnpublished(target, "of a published target")
    }

    static let publishIdempotent = SanityCheck(
        "Node/publish-idempotent", "NodePublishVolume repeated with identical arguments is OK and mounts once"
    ) { context in
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target, "first")
        try await context.ok(context.publishRequest(volume, staging: staging, target: target), "repeated")
        try context.expectPublished(target, "repeated")
        let count = HostPaths.mountPoints().filter { $0 == target }.count
        try ensure(count == 1, "after a repeated NodePublishVolume \(target) is mounted \(count) times; want once")
    }

    static let publishSameTargetOtherArguments = SanityCheck(
        "Node/publish-same-target-other-arguments",
        "NodePublishVolume to a published target with other arguments (readonly) is ALREADY_EXISTS"
    ) { context in
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target, "read-write")
        try await context.fails(context.publishRequest(volume, staging: staging, target: target, readonly: true),
                                with: .alreadyExists, because: "the target is published with readonly=false")
    }

    static let publishSingleWriterTwice = SanityCheck(
        "Node/publish-single-writer-second-target",
        "a SINGLE_NODE_SINGLE_WRITER volume published to a second target is FAILED_PRECONDITION"
    ) { context in
        try context.requireController(.createDeleteVolume)
        let mode = VolumeCapability.AccessMode.Mode.singleNodeSingleWriter
        let request = context.createRequest(name: context.volumeName("single-writer"), mode: mode)
        let volume: Volume
        switch try await context.outcome(request) {
        case .success(let response):
            guard let created = response.volume else { throw CheckFailure("CreateVolume answered without volume") }
            volume = created
            context.registerDelete(created.volumeId)
        case .failure(let error) where error.code == .invalidArgument:
            throw CheckSkip("the driver does not create SINGLE_NODE_SINGLE_WRITER volumes (\(error.quoted))")
        case .failure(let error):
            throw CheckFailure("CreateVolume (SINGLE_NODE_SINGLE_WRITER) failed: \(error.quoted)")
        }
        let staging = try await context.stageIfNeeded(volume, mode: mode)
        try await context.publish(volume, staging: staging, target: try context.newTargetPath(), mode: mode, "first target")
        let second = try context.newTargetPath()
        context.registerUnpublish(volume.volumeId, second)
        try await context.fails(context.publishRequest(volume, staging: staging, target: second, mode: mode),
                                with: .failedPrecondition, because: "a single writer volume is already published")
    }

    static let publishReadOnly = SanityCheck(
        "Node/publish-readonly", "NodePublishVolume with readonly mounts the target read-only"
    ) { context in
        guard context.configuration.accessType == .mount else { throw CheckSkip("read-only mounts are checked with --access-type mount") }
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target, readonly: true)
        try context.expectPublished(target, "read-only")
        try ensure(HostPaths.isReadOnly(target), "the target \(target) published with readonly=true is writable")
    }

    static let unpublishNeverPublished = SanityCheck(
        "Node/unpublish-never-published", "NodeUnpublishVolume of an existing volume at a target never published is OK"
    ) { context in
        let volume = try await context.newVolume()
        _ = try await context.stageIfNeeded(volume)
        try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: try context.newTargetPath()),
                             "the target was never published: nothing to do is OK")
    }

    static let statsPublished = SanityCheck(
        "Node/stats-published", "NodeGetVolumeStats of a published volume at its target reports usage"
    ) { context in
        try context.requireNode(.getVolumeStats)
        let (volume, target) = try await publishedVolume(context)
        let stats = try await context.ok(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target))
        try ensure(!stats.usage.isEmpty, "NodeGetVolumeStats returned no usage")
        for usage in stats.usage {
            try ensure(usage.total >= 0 && usage.used >= 0 && usage.available >= 0,
                       "NodeGetVolumeStats returned negative figures: \(usage)")
        }
    }

    static let statsWrongPath = SanityCheck(
        "Node/stats-wrong-path", "NodeGetVolumeStats at a path where the volume is not published is NOT_FOUND"
    ) { context in
        try context.requireNode(.getVolumeStats)
        let (volume, _) = try await publishedVolume(context)
        try await context.fails(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: try context.newStagingPath()),
                                with: .notFound, because: "the volume is not at that path")
    }

    static let statsRelativePath = SanityCheck(
        "Node/stats-relative-path", "NodeGetVolumeStats with a relative volumePath is NOT_FOUND"
    ) { context in
        try context.requireNode(.getVolumeStats)
        let (volume, target) = try await publishedVolume(context)
        try await context.fails(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: String(target.dropFirst())),
                                with: .notFound, because: "a relative path is not where the volume is")
    }

    /// A created, staged (if needed) and published volume, all released after the check.
    static func publishedVolume(_ context: SanityContext) async throws -> (Volume, String) {
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let target = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: target)
        return (volume, target)
    }
}
