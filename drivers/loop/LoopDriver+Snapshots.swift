#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

/// Snapshots are copies of the backing file: a reflink where the filesystem shares extents, else a sparse copy.
/// A filesystem volume in use is copied as it is on disk (crash-consistent, like a power cut).
extension LoopDriver {
    func createSnapshot(_ request: CreateSnapshotRequest) async throws -> CreateSnapshotResponse {
        guard !request.name.isEmpty else { throw CSIError.invalidArgument("name is required") }
        guard !request.sourceVolumeId.isEmpty else { throw CSIError.invalidArgument("sourceVolumeId is required") }
        guard LoopStore.isValidID(request.name) else {
            throw CSIError.invalidArgument("snapshot name \"\(request.name)\" is not valid: use 1-128 letters, digits, '.', '_' or '-'")
        }
        return try await locks.withLock("snapshot/\(request.name)") {
            if let existing = try store.snapshot(request.name) {
                guard existing.sourceVolumeId == request.sourceVolumeId else {
                    throw CSIError.alreadyExists("snapshot \(request.name) already exists for volume \(existing.sourceVolumeId)")
                }
                return CreateSnapshotResponse(snapshot: describe(existing))
            }
            let source = try existingVolume(request.sourceVolumeId)
            let image = store.snapshotImage(request.name)
            let temporary = "\(image).creating"
            unlink(temporary)
            do {
                try FileCopy.copy(from: store.image(source.id), to: temporary)
                try checkedSystemCall("rename", path: "\(temporary), \(image)") { rename(temporary, image) }
                try DurableFile.syncDirectory(store.snapshots)
                let record = SnapshotRecord(id: request.name, sourceVolumeId: source.id, sizeBytes: source.capacityBytes,
                                            created: rfc3339Now())
                try store.save(record)
                return CreateSnapshotResponse(snapshot: describe(record))
            } catch {
                unlink(temporary)
                throw internalError("cannot snapshot volume \(source.id)", error)
            }
        }
    }

    func deleteSnapshot(_ request: DeleteSnapshotRequest) async throws -> DeleteSnapshotResponse {
        guard !request.snapshotId.isEmpty else { throw CSIError.invalidArgument("snapshotId is required") }
        guard LoopStore.isValidID(request.snapshotId) else { return DeleteSnapshotResponse() }
        let id = request.snapshotId
        return try await locks.withLock("snapshot/\(id)") {
            let image = store.snapshotImage(id)
            if unlink(image) != 0, errno != ENOENT {
                throw internalError("cannot delete snapshot \(id)", LinuxError.lastError("unlink", path: image))
            }
            do { try store.removeSnapshot(id) } catch { throw internalError("cannot delete snapshot \(id)", error) }
            return DeleteSnapshotResponse()
        }
    }

    func listSnapshots(_ request: ListSnapshotsRequest) async throws -> ListSnapshotsResponse {
        var records = try store.allSnapshots()
        if !request.snapshotId.isEmpty { records = records.filter { $0.id == request.snapshotId } }
        if !request.sourceVolumeId.isEmpty { records = records.filter { $0.sourceVolumeId == request.sourceVolumeId } }
        let (page, next) = try paginate(records, maxEntries: Int(request.maxEntries), token: request.startingToken)
        return ListSnapshotsResponse(entries: page.map { .init(snapshot: describe($0)) }, nextToken: next)
    }

    func getSnapshot(_ request: GetSnapshotRequest) async throws -> GetSnapshotResponse {
        guard !request.snapshotId.isEmpty else { throw CSIError.invalidArgument("snapshotId is required") }
        guard LoopStore.isValidID(request.snapshotId), let record = try store.snapshot(request.snapshotId) else {
            throw CSIError.notFound("snapshot \(request.snapshotId) does not exist")
        }
        return GetSnapshotResponse(snapshot: describe(record))
    }

    func describe(_ record: SnapshotRecord) -> Snapshot {
        Snapshot(sizeBytes: record.sizeBytes, snapshotId: record.id, sourceVolumeId: record.sourceVolumeId,
                 creationTime: record.created, readyToUse: true)
    }
}
