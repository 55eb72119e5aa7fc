import Foundation
import StowageCSI

/// Node RPCs: required arguments are checked before anything is looked up (made-up ids still give
/// INVALID_ARGUMENT), and unknown volumes get the codes the page prescribes.
enum NodeArgumentChecks {
    static let all: [SanityCheck] = [
        stageMissingVolumeID, stageMissingStagingPath, stageMissingCapability, unstageMissingVolumeID,
        unstageMissingStagingPath, publishMissingVolumeID, publishMissingTargetPath, publishMissingCapability,
        unpublishMissingVolumeID, unpublishMissingTargetPath, statsMissingVolumeID, statsMissingVolumePath,
        stageUnknown, publishUnknown, unstageUnknown, unpublishUnknown, statsUnknown,
    ]

    static func check(_ name: String, _ description: String, missing rule: String,
                      _ request: @escaping @Sendable (SanityContext) throws -> any CSIRequest,
                      needs capability: NodeServiceCapability.RPCType? = nil) -> SanityCheck {
        SanityCheck("Node/\(name)", description) { context in
            if let capability { try context.requireNode(capability) } else { try context.requireDiscovery() }
            try await context.failsAny(try request(context), with: .invalidArgument, because: rule)
        }
    }

    static let stageMissingVolumeID = check(
        "stage-missing-volume-id", "NodeStageVolume without volumeId is INVALID_ARGUMENT", missing: "volumeId is required",
        { try NodeStageVolumeRequest(stagingTargetPath: $0.newStagingPath(), volumeCapability: $0.capability()) },
        needs: .stageUnstageVolume)
    static let stageMissingStagingPath = check(
        "stage-missing-staging-path", "NodeStageVolume without stagingTargetPath is INVALID_ARGUMENT, even for a made-up volume",
        missing: "stagingTargetPath is required, checked before the lookup",
        { NodeStageVolumeRequest(volumeId: $0.madeUpVolumeID, volumeCapability: $0.capability()) },
        needs: .stageUnstageVolume)
    static let stageMissingCapability = check(
        "stage-missing-capability", "NodeStageVolume without volumeCapability is INVALID_ARGUMENT, even for a made-up volume",
        missing: "volumeCapability is required, checked before the lookup",
        { try NodeStageVolumeRequest(volumeId: $0.madeUpVolumeID, stagingTargetPath: $0.newStagingPath()) },
        needs: .stageUnstageVolume)
    static let unstageMissingVolumeID = check(
        "unstage-missing-volume-id", "NodeUnstageVolume without volumeId is INVALID_ARGUMENT", missing: "volumeId is required",
        { try NodeUnstageVolumeRequest(stagingTargetPath: $0.newStagingPath()) }, needs: .stageUnstageVolume)
    static let unstageMissingStagingPath = check(
        "unstage-missing-staging-path", "NodeUnstageVolume without stagingTargetPath is INVALID_ARGUMENT",
        missing: "stagingTargetPath is required, checked before the lookup",
        { NodeUnstageVolumeRequest(volumeId: $0.madeUpVolumeID) }, needs: .stageUnstageVolume)
    static let publishMissingVolumeID = check(
        "publish-missing-volume-id", "NodePublishVolume without volumeId is INVALID_ARGUMENT", missing: "volumeId is required",
        { context in
            NodePublishVolumeRequest(stagingTargetPath: context.stages ? try context.newStagingPath() : "",
                                     targetPath: try context.newTargetPath(), volumeCapability: context.capability())
        })
    static let publishMissingTargetPath = check(
        "publish-missing-target-path", "NodePublishVolume without targetPath is INVALID_ARGUMENT, even for a made-up volume",
        missing: "targetPath is required, checked before the lookup",
        { context in
            NodePublishVolumeRequest(volumeId: context.madeUpVolumeID,
                                     stagingTargetPath: context.stages ? try context.newStagingPath() : "",
                                     volumeCapability: context.capability())
        })
    static let publishMissingCapability = check(
        "publish-missing-capability", "NodePublishVolume without volumeCapability is INVALID_ARGUMENT, even for a made-up volume",
        missing: "volumeCapability is required, checked before the lookup",
        { context in
            NodePublishVolumeRequest(volumeId: context.madeUpVolumeID,
                                     stagingTargetPath: context.stages ? try context.newStagingPath() : "",
                                     targetPath: try context.newTargetPath())
        })
    static let unpublishMissingVolumeID = check(
        "unpublish-missing-volume-id", "NodeUnpublishVolume without volumeId is INVALID_ARGUMENT", missing: "volumeId is required",
        { try NodeUnpublishVolumeRequest(targetPath: $0.newTargetPath()) })
    static let unpublishMissingTargetPath = check(
        "unpublish-missing-target-path", "NodeUnpublishVolume without targetPath is INVALID_ARGUMENT",
        missing: "targetPath is required, checked before the lookup",
        { NodeUnpublishVolumeRequest(volumeId: $0.madeUpVolumeID) })
    static let statsMissingVolumeID = check(
        "stats-missing-volume-id", "NodeGetVolumeStats without volumeId is INVALID_ARGUMENT", missing: "volumeId is required",
        { NodeGetVolumeStatsRequest(volumePath: $0.targetRoot) }, needs: .getVolumeStats)
    static let statsMissingVolumePath = check(
        "stats-missing-volume-path", "NodeGetVolumeStats without volumePath is INVALID_ARGUMENT, even for a made-up volume",
        missing: "volumePath is required, checked before the lookup",
        { NodeGetVolumeStatsRequest(volumeId: $0.madeUpVolumeID) }, needs: .getVolumeStats)

    static let stageUnknown = SanityCheck(
        "Node/stage-unknown-volume", "NodeStageVolume of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        let path = try context.newStagingPath()
        context.registerUnstage(context.madeUpVolumeID, path)
        try await context.fails(NodeStageVolumeRequest(volumeId: context.madeUpVolumeID, stagingTargetPath: path,
                                                       volumeCapability: context.capability()),
                                with: .notFound, because: "the volume does not exist")
    }

    static let publishUnknown = SanityCheck(
        "Node/publish-unknown-volume", "NodePublishVolume of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireDiscovery()
        let target = try context.newTargetPath()
        context.registerUnpublish(context.madeUpVolumeID, target)
        try await context.fails(NodePublishVolumeRequest(
            volumeId: context.madeUpVolumeID, stagingTargetPath: context.stages ? try context.newStagingPath() : "",
            targetPath: target, volumeCapability: context.capability()),
            with: .notFound, because: "the volume does not exist")
    }

    static let unstageUnknown = SanityCheck(
        "Node/unstage-unknown-volume", "NodeUnstageVolume of a volume that does not exist is OK (or NOT_FOUND)"
    ) { context in
        try context.requireNode(.stageUnstageVolume)
        try await context.okOr(NodeUnstageVolumeRequest(volumeId: context.madeUpVolumeID,
                                                        stagingTargetPath: try context.newStagingPath()),
                               .notFound, because: "unstaging something unknown is OK; NOT_FOUND is allowed for a volume that does not exist")
    }

    static let unpublishUnknown = SanityCheck(
        "Node/unpublish-unknown-volume", "NodeUnpublishVolume of a volume that does not exist is OK (or NOT_FOUND)"
    ) { context in
        try context.requireDiscovery()
        try await context.okOr(NodeUnpublishVolumeRequest(volumeId: context.madeUpVolumeID,
                                                          targetPath: try context.newTargetPath()),
                               .notFound, because: "unpublishing something unknown is OK; NOT_FOUND is allowed for a volume that does not exist")
    }

    static let statsUnknown = SanityCheck(
        "Node/stats-unknown-volume", "NodeGetVolumeStats of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireNode(.getVolumeStats)
        try await context.fails(NodeGetVolumeStatsRequest(volumeId: context.madeUpVolumeID, volumePath: context.targetRoot),
                                with: .notFound, because: "the volume does not exist")
    }
}

extension SanityContext {
    /// `fails` for a request whose type is only known at run time.
    func failsAny(_ request: any CSIRequest, with code: StatusCode, because rule: String) async throws {
        try await failsOpened(request, code, rule)
    }

    private func failsOpened<R: CSIRequest>(_ request: R, _ code: StatusCode, _ rule: String) async throws {
        try await fails(request, with: code, because: rule)
    }

    /// Requires OK, or `alternative` (an answer the page also allows).
    func okOr<R: CSIRequest>(_ request: R, _ alternative: StatusCode, because rule: String) async throws {
        if case .failure(let error) = try await outcome(request), error.code != alternative {
            throw CheckFailure("\(R.method.rawValue) answered \(error.quoted); want OK or \(alternative.name): \(rule)")
        }
    }
}
