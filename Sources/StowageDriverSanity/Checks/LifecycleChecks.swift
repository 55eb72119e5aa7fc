import Foundation
import StowageCSI

/// Whole volume lifecycles: create → stage → publish → stats → unpublish → unstage → delete, once with the
/// world checked after every step, once with every step repeated, and the data surviving a republish.
enum LifecycleChecks {
    static let all: [SanityCheck] = [full, repeated, dataPersists]

    static let full = SanityCheck(
        "Lifecycle/full",
        "create, stage, publish, stats, unpublish, unstage, delete, checking the mounts after every step"
    ) { context in
        try await runLifecycle(context, repeatEachStep: false)
    }

    static let repeated = SanityCheck(
        "Lifecycle/repeated", "the full lifecycle with every call made twice: each repetition is OK"
    ) { context in
        try await runLifecycle(context, repeatEachStep: true)
    }

    static let dataPersists = SanityCheck(
        "Lifecycle/data-persists", "a file written through one target is read back through a later target"
    ) { context in
        guard context.configuration.accessType == .mount else { throw CheckSkip("data is checked with --access-type mount") }
        let volume = try await context.newVolume()
        let staging = try await context.stageIfNeeded(volume)
        let first = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: first, "first target")
        let payload = "stowage sanity \(context.runID)\n"
        try VolumeFiles.write(payload, to: "\(first)/sanity-data.txt")
        try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: first), "first target")
        let second = try context.newTargetPath()
        try await context.publish(volume, staging: staging, target: second, "second target")
        let read = VolumeFiles.read("\(second)/sanity-data.txt")
        try ensure(read == payload, "the file written through \(first) is \(read == nil ? "missing" : "different") at \(second)")
    }

    static func runLifecycle(_ context: SanityContext, repeatEachStep: Bool) async throws {
        let times = repeatEachStep ? 2 : 1
        func label(_ index: Int) -> String { index == 0 ? "first" : "repeated" }
        try context.requireController(.createDeleteVolume)
        let request = context.createRequest(name: context.volumeName("lifecycle"))
        var volume: Volume?
        for index in 0..<times {
            let created = try await context.ok(request, "CreateVolume \(label(index))").volume
            guard let created else { throw CheckFailure("CreateVolume answered without volume") }
            if let volume {
                try ensure(created.volumeId == volume.volumeId,
                           "the repeated CreateVolume returned \(created.volumeId); the first \(volume.volumeId)")
            } else {
                context.registerDelete(created.volumeId)
            }
            volume = created
        }
        guard let volume else { return }
        if context.hasController(.publishUnpublishVolume) {
            let node = try await context.ok(NodeGetInfoRequest()).nodeId
            let request = ControllerPublishVolumeRequest(volumeId: volume.volumeId, nodeId: node,
                                                         volumeCapability: context.capability(),
                                                         volumeContext: volume.volumeContext)
            context.onCleanup("ControllerUnpublishVolume \(volume.volumeId)") { [unowned context, volume] in
                _ = try await context.ok(ControllerUnpublishVolumeRequest(volumeId: volume.volumeId, nodeId: node), "clean-up")
            }
            for index in 0..<times {
                let published = try await context.ok(request, "ControllerPublishVolume \(label(index))")
                context.publishContext = published.publishContext
            }
            context.controllerPublished.insert(volume.volumeId)
            }
        var staging: String?
        if context.stages {
            let path = try context.newStagingPath()
            context.registerUnstage(volume.volumeId, path)
            for index in 0..<times { try await context.ok(context.stageRequest(volume, at: path), label(index)) }
            staging = path
        }
        let target = try context.newTargetPath()
        context.registerUnpublish(volume.volumeId, target)
        for index in 0..<times {
            try await context.ok(context.publishRequest(volume, staging: staging, target: target), label(index))
            try context.expectPublished(target, label(index))
        }
        if context.hasNode(.getVolumeStats) {
            for index in 0..<times {
                let stats = try await context.ok(NodeGetVolumeStatsRequest(volumeId: volume.volumeId, volumePath: target),
                                                 label(index))
                try ensure(!stats.usage.isEmpty, "NodeGetVolumeStats of the published volume returned no usage")
            }
        }
        for index in 0..<times {
            try await context.ok(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target), label(index))
            try context.expectUnpublished(target, label(index))
        }
        if let staging {
            for index in 0..<times {
                try await context.ok(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging),
                                     label(index))
                try ensure(!HostPaths.isMountPoint(staging),
                           "after NodeUnstageVolume (\(label(index))) the staging path \(staging) is still a mount point")
            }
        }
        if context.hasController(.publishUnpublishVolume) {
            let node = try await context.ok(NodeGetInfoRequest()).nodeId
            for index in 0..<times {
                try await context.ok(ControllerUnpublishVolumeRequest(volumeId: volume.volumeId, nodeId: node),
                                     "ControllerUnpublishVolume \(label(index))")
            }
        }
        for index in 0..<times {
            try await context.ok(DeleteVolumeRequest(volumeId: volume.volumeId), label(index))
        }
    }
}
