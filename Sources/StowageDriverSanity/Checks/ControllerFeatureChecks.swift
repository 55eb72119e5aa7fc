import Foundation
import StowageCSI

/// Controller features gated by capabilities: ListVolumes pagination, expansion, capacity, snapshots, clones.
enum ControllerFeatureChecks {
    static let all: [SanityCheck] = [
        publishMissingArguments, unpublishMissingVolumeID, publishUnknown, listPagination, listInvalidToken, expandMissingArguments, expandUnknown, expand, getCapacity,
        snapshotMissingArguments, snapshotIdempotent, snapshotDeleteUnknown, clone,
    ]

    static let publishMissingArguments = SanityCheck(
        "Controller/publish-missing-arguments",
        "ControllerPublishVolume without volumeId, nodeId or volumeCapability is INVALID_ARGUMENT, even for made-up ids"
    ) { context in
        try context.requireController(.publishUnpublishVolume)
        let node = "sanity-made-up-node"
        try await context.fails(ControllerPublishVolumeRequest(nodeId: node, volumeCapability: context.capability()),
                                with: .invalidArgument, because: "volumeId is required")
        try await context.fails(ControllerPublishVolumeRequest(volumeId: context.madeUpVolumeID,
                                                               volumeCapability: context.capability()),
                                with: .invalidArgument, because: "nodeId is required, checked before the lookup")
        try await context.fails(ControllerPublishVolumeRequest(volumeId: context.madeUpVolumeID, nodeId: node),
                                with: .invalidArgument, because: "volumeCapability is required, checked before the lookup")
    }

    static let unpublishMissingVolumeID = SanityCheck(
        "Controller/unpublish-missing-volume-id", "ControllerUnpublishVolume without volumeId is INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.publishUnpublishVolume)
        try await context.fails(ControllerUnpublishVolumeRequest(nodeId: "sanity-made-up-node"),
                                with: .invalidArgument, because: "volumeId is required")
    }

    static let publishUnknown = SanityCheck(
        "Controller/publish-unknown-volume", "ControllerPublishVolume of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireController(.publishUnpublishVolume)
        let node = try await context.ok(NodeGetInfoRequest()).nodeId
        try await context.fails(ControllerPublishVolumeRequest(volumeId: context.madeUpVolumeID, nodeId: node,
                                                               volumeCapability: context.capability()),
                                with: .notFound, because: "the volume does not exist")
    }

    static let listPagination = SanityCheck(
        "Controller/list-volumes-pagination",
        "ListVolumes with maxEntries 1 pages through every volume via nextToken, without duplicates"
    ) { context in
        try context.requireController(.listVolumes)
        var created: Set<String> = []
        for _ in 0..<3 { created.insert(try await context.newVolume("listed").volumeId) }
        var seen: [String] = []
        var token = ""
        for page in 1...1000 {
            let response = try await context.ok(ListVolumesRequest(maxEntries: 1, startingToken: token), "page \(page)")
            try ensure(response.entries.count <= 1,
                       "ListVolumes with maxEntries 1 returned \(response.entries.count) entries on page \(page)")
            seen += response.entries.compactMap { $0.volume?.volumeId }
            token = response.nextToken
            if token.isEmpty { break }
        }
        try ensure(token.isEmpty, "ListVolumes still returned a nextToken after 1000 pages")
        try ensure(Set(seen).count == seen.count, "ListVolumes pages repeated a volume: \(seen)")
        let missing = created.subtracting(seen)
        try ensure(missing.isEmpty, "paging through ListVolumes never returned \(missing.sorted().joined(separator: ", "))")
    }

    static let listInvalidToken = SanityCheck(
        "Controller/list-volumes-invalid-token", "ListVolumes with a startingToken the driver never issued is ABORTED"
    ) { context in
        try context.requireController(.listVolumes)
        try await context.fails(ListVolumesRequest(startingToken: "sanity-not-a-token-\(context.runID)"),
                                with: .aborted, because: "the startingToken was not issued by the driver")
    }

    static let expandMissingArguments = SanityCheck(
        "Controller/expand-missing-arguments",
        "ControllerExpandVolume without volumeId or capacityRange is INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.expandVolume)
        try await context.fails(ControllerExpandVolumeRequest(capacityRange: CapacityRange(requiredBytes: 1 << 30)),
                                with: .invalidArgument, because: "volumeId is required")
        try await context.fails(ControllerExpandVolumeRequest(volumeId: context.madeUpVolumeID),
                                with: .invalidArgument, because: "capacityRange is required, checked before the lookup")
    }

    static let expandUnknown = SanityCheck(
        "Controller/expand-unknown-volume", "ControllerExpandVolume of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireController(.expandVolume)
        try await context.fails(ControllerExpandVolumeRequest(volumeId: context.madeUpVolumeID,
                                                              capacityRange: CapacityRange(requiredBytes: 1 << 30)),
                                with: .notFound, because: "the volume does not exist")
    }

    static let expand = SanityCheck(
        "Controller/expand-volume", "ControllerExpandVolume to twice the size returns at least that size, twice"
    ) { context in
        try context.requireController(.expandVolume)
        let volume = try await context.newVolume("expanded")
        let wanted = max(volume.capacityBytes, context.configuration.volumeSize) * 2
        let request = ControllerExpandVolumeRequest(volumeId: volume.volumeId,
                                                    capacityRange: CapacityRange(requiredBytes: wanted),
                                                    volumeCapability: context.capability())
        let first = try await context.ok(request, "first")
        try ensure(first.capacityBytes >= wanted,
                   "ControllerExpandVolume to \(wanted) bytes returned capacityBytes \(first.capacityBytes)")
        let second = try await context.ok(request, "repeated")
        try ensure(second.capacityBytes == first.capacityBytes,
                   "a repeated ControllerExpandVolume returned \(second.capacityBytes) bytes, the first \(first.capacityBytes)")
        // "Exactly the size it now has": where the driver can list, the listed size must agree.
        if context.hasController(.listVolumes), let listed = try await listedVolume(volume.volumeId, context) {
            try ensure(listed.capacityBytes == first.capacityBytes,
                       "ControllerExpandVolume returned \(first.capacityBytes) bytes but ListVolumes shows \(listed.capacityBytes)")
        }
    }

    /// The volume with `id` as ListVolumes shows it, paging through every page.
    static func listedVolume(_ id: String, _ context: SanityContext) async throws -> Volume? {
        var token = ""
        for _ in 0..<1000 {
            let page = try await context.ok(ListVolumesRequest(startingToken: token), "looking for \(id)")
            if let found = page.entries.compactMap(\.volume).first(where: { $0.volumeId == id }) { return found }
            token = page.nextToken
            if token.isEmpty { break }
        }
        return nil
    }

    static let getCapacity = SanityCheck(
        "Controller/get-capacity", "GetCapacity answers with a non-negative availableCapacity"
    ) { context in
        try context.requireController(.getCapacity)
        let response = try await context.ok(GetCapacityRequest(volumeCapabilities: [context.capability()],
                                                                parameters: context.configuration.parameters))
        try ensure(response.availableCapacity >= 0, "GetCapacity returned availableCapacity \(response.availableCapacity)")
    }

    static let snapshotMissingArguments = SanityCheck(
        "Controller/snapshot-missing-arguments",
        "CreateSnapshot without name or sourceVolumeId, and DeleteSnapshot without snapshotId, are INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.createDeleteSnapshot)
        try await context.fails(CreateSnapshotRequest(sourceVolumeId: context.madeUpVolumeID),
                                with: .invalidArgument, because: "name is required, checked before the lookup")
        try await context.fails(CreateSnapshotRequest(name: "sanity-\(context.runID)-snapshot"),
                                with: .invalidArgument, because: "sourceVolumeId is required")
        try await context.fails(DeleteSnapshotRequest(), with: .invalidArgument, because: "snapshotId is required")
    }

    static let snapshotIdempotent = SanityCheck(
        "Controller/snapshot-idempotent",
        "CreateSnapshot twice with the same name and source returns the same snapshot; deleting it twice is OK"
    ) { context in
        try context.requireController(.createDeleteSnapshot)
        let volume = try await context.newVolume("snapshotted")
        let request = CreateSnapshotRequest(sourceVolumeId: volume.volumeId, name: context.volumeName("snapshot"))
        let first = try await context.ok(request, "first")
        guard let id = first.snapshot?.snapshotId, !id.isEmpty else {
            throw CheckFailure("CreateSnapshot answered without snapshot.snapshotId")
        }
        context.onCleanup("DeleteSnapshot \(id)") { [unowned context] in
            _ = try await context.ok(DeleteSnapshotRequest(snapshotId: id), "clean-up")
        }
        let second = try await context.ok(request, "second, same name and source")
        try ensure(second.snapshot?.snapshotId == id,
                   "the second CreateSnapshot returned \(second.snapshot?.snapshotId ?? "nil"); the first \(id)")
        try ensure(first.snapshot?.sourceVolumeId == volume.volumeId,
                   "CreateSnapshot returned sourceVolumeId \(first.snapshot?.sourceVolumeId ?? "nil"); want \(volume.volumeId)")
        try await context.ok(DeleteSnapshotRequest(snapshotId: id), "first delete")
        try await context.ok(DeleteSnapshotRequest(snapshotId: id), "second delete, already gone")
    }

    static let snapshotDeleteUnknown = SanityCheck(
        "Controller/snapshot-delete-unknown", "DeleteSnapshot of a snapshot that never existed is OK"
    ) { context in
        try context.requireController(.createDeleteSnapshot)
        try await context.ok(DeleteSnapshotRequest(snapshotId: "sanity-made-up-snapshot-\(context.runID)"), "unknown snapshot")
    }

    static let clone = SanityCheck(
        "Controller/clone-volume", "CreateVolume with a volume content source creates a clone that names its source"
    ) { context in
        try context.requireController(.cloneVolume)
        let source = try await context.newVolume("clone-source")
        var request = context.createRequest(name: context.volumeName("clone"))
        request.volumeContentSource = .volume(volumeId: source.volumeId)
        let response = try await context.ok(request, "clone")
        guard let clone = response.volume else { throw CheckFailure("CreateVolume (clone) answered without volume") }
        context.registerDelete(clone.volumeId)
        try ensure(clone.volumeId != source.volumeId, "the clone has the source's volumeId \(source.volumeId)")
        try ensure(clone.contentSource == .volume(volumeId: source.volumeId),
                   "the clone's contentSource is \(String(describing: clone.contentSource)); want volume \(source.volumeId)")
    }
}
