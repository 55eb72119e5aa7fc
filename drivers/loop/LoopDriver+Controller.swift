#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

extension LoopDriver {
    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse {
        guard !request.name.isEmpty else { throw CSIError.invalidArgument("name is required") }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities are required") }
        guard LoopStore.isValidID(request.name) else {
            throw CSIError.invalidArgument("name \"\(request.name)\" is not valid: use 1-128 letters, digits, '.', '_' or '-', not starting with '.'")
        }
        for capability in request.volumeCapabilities {
            if let reason = Self.unsupportedReason(capability) { throw CSIError.invalidArgument(reason) }
        }
        for key in Self.fsTypeParameters {
            if let fs = request.parameters[key], Filesystem(rawValue: fs) == nil {
                throw CSIError.invalidArgument("parameter \(key)=\"\(fs)\" is not supported (ext4 or xfs)")
            }
        }
        let required = request.capacityRange?.requiredBytes ?? 0
        let limit = request.capacityRange?.limitBytes ?? 0
        guard required >= 0, limit >= 0 else { throw CSIError.invalidArgument("capacityRange bytes must not be negative") }
        if limit > 0, required > limit {
            throw CSIError.invalidArgument("capacityRange.requiredBytes \(required) exceeds limitBytes \(limit)")
        }
        let source = try request.volumeContentSource.map(contentSource)

        return try await locks.withLock(request.name) {
            if let existing = try store.volume(request.name) {
                let fits = existing.capacityBytes >= required && (limit == 0 || existing.capacityBytes <= limit)
                guard fits, existing.contentSource == source?.key else {
                    throw CSIError.alreadyExists("volume \(request.name) already exists with \(existing.capacityBytes) bytes"
                        + (existing.contentSource.map { " from \($0)" } ?? "") + ", incompatible with this request")
                }
                return CreateVolumeResponse(volume: describe(existing))
            }
            let size = try chooseSize(required: required, limit: limit, sourceBytes: source?.bytes)
            let available = try store.availableBytes()
            let needed = source == nil ? size : max(0, size - (source?.bytes ?? 0))
            if needed > available {
                throw CSIError(.resourceExhausted, "volume of \(size) bytes does not fit: the backing filesystem has \(available) bytes free")
            }
            try makeImage(request.name, size: size, copyFrom: source?.image)
            let record = VolumeRecord(id: request.name, capacityBytes: size, parameters: request.parameters,
                                      contentSource: source?.key, created: rfc3339Now())
            do {
                try store.save(record)
            } catch {
                unlink(store.image(request.name))
                throw internalError("cannot record volume \(request.name)", error)
            }
            return CreateVolumeResponse(volume: describe(record))
        }
    }

    /// The image a new volume is copied from, its size and the key recorded for idempotency.
    private func contentSource(_ source: VolumeContentSource) throws -> (key: String, image: String, bytes: Int64) {
        switch source {
        case .snapshot(let id):
            guard LoopStore.isValidID(id), let snapshot = try store.snapshot(id) else {
                throw CSIError.notFound("snapshot \(id) does not exist")
            }
            return ("snapshot:\(id)", store.snapshotImage(id), snapshot.sizeBytes)
        case .volume(let id):
            guard LoopStore.isValidID(id), let volume = try store.volume(id) else {
                throw CSIError.notFound("source volume \(id) does not exist")
            }
            return ("volume:\(id)", store.image(id), volume.capacityBytes)
        }
    }

    /// The size of a new volume: requiredBytes rounded up to 1 MiB (at least the source's size), 1 GiB when
    /// nothing was asked, never over limitBytes.
    private func chooseSize(required: Int64, limit: Int64, sourceBytes: Int64?) throws -> Int64 {
        var size = required > 0 ? Sizes.roundUp(required) : (sourceBytes ?? Sizes.defaultBytes)
        size = max(size, sourceBytes ?? Sizes.mebibyte, Sizes.mebibyte)
        if limit > 0, size > limit {
            let floor = limit / Sizes.mebibyte * Sizes.mebibyte
            guard floor >= max(required, sourceBytes ?? 0, Sizes.mebibyte) else {
                throw CSIError(.outOfRange, "no size in whole MiB fits capacityRange [\(required), \(limit)]"
                    + (sourceBytes.map { " and the source's \($0) bytes" } ?? ""))
            }
            size = floor
        }
        return size
    }

    /// Makes `<id>.img` atomically: a sparse (or copied) temporary file, grown to `size`, fsynced, renamed.
    private func makeImage(_ id: String, size: Int64, copyFrom source: String?) throws {
        let image = store.image(id)
        let temporary = "\(image).creating"
        unlink(temporary)
        do {
            if let source {
                try FileCopy.copy(from: source, to: temporary)
            } else {
                let fd = try checkedSystemCall("open", path: temporary) {
                    open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
                }
                close(fd)
            }
            try grow(temporary, to: size)
            try checkedSystemCall("rename", path: "\(temporary), \(image)") { rename(temporary, image) }
            try DurableFile.syncDirectory(store.volumes)
        } catch {
            unlink(temporary)
            throw internalError("cannot create the backing file of volume \(id)", error)
        }
    }

    /// Grows (never shrinks) a backing file to `size` bytes, sparsely, and fsyncs it.
    func grow(_ path: String, to size: Int64) throws {
        let fd = try checkedSystemCall("open", path: path) { open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(fd) }
        var info = stat()
        try checkedSystemCall("fstat", path: path) { fstat(fd, &info) }
        if info.st_size < size {
            try checkedSystemCall("ftruncate", path: path) { ftruncate(fd, off_t(size)) }
        }
        try checkedSystemCall("fsync", path: path) { fsync(fd) }
    }

    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard LoopStore.isValidID(request.volumeId) else { return DeleteVolumeResponse() }
        let id = request.volumeId
        return try await locks.withLock(id) {
            if let node = try store.nodeRecord(id) {
                throw CSIError.failedPrecondition("volume \(id) is still staged at \(node.stagingPath); unstage it first")
            }
            let image = store.image(id)
            do {
                if access(image, F_OK) == 0 {
                    for device in try LoopDevice.find(backingFile: image) { try device.detach() }
                }
                if unlink(image) != 0, errno != ENOENT { throw LinuxError.lastError("unlink", path: image) }
                try store.removeVolume(id)
            } catch {
                throw internalError("cannot delete volume \(id)", error)
            }
            return DeleteVolumeResponse()
        }
    }

    func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities are required") }
        _ = try existingVolume(request.volumeId)
        for capability in request.volumeCapabilities {
            if let reason = Self.unsupportedReason(capability) { return ValidateVolumeCapabilitiesResponse(message: reason) }
        }
        return ValidateVolumeCapabilitiesResponse(confirmed: .init(
            volumeContext: request.volumeContext, volumeCapabilities: request.volumeCapabilities, parameters: request.parameters))
    }

    func listVolumes(_ request: ListVolumesRequest) async throws -> ListVolumesResponse {
        let records = try store.allVolumes()
        let (page, next) = try paginate(records, maxEntries: Int(request.maxEntries), token: request.startingToken)
        return ListVolumesResponse(entries: try page.map { record in
            ListVolumesResponse.Entry(volume: describe(record), status: try status(record.id))
        }, nextToken: next)
    }

    func controllerGetVolume(_ request: ControllerGetVolumeRequest) async throws -> ControllerGetVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        let record = try existingVolume(request.volumeId)
        return ControllerGetVolumeResponse(volume: describe(record), status: try status(record.id))
    }

    private func status(_ id: String) throws -> VolumeStatus {
        let published = !(try store.nodeRecord(id)?.publications.isEmpty ?? true)
        return VolumeStatus(publishedNodeIds: published ? [nodeID] : [])
    }

    func getCapacity(_ request: GetCapacityRequest) async throws -> GetCapacityResponse {
        for capability in request.volumeCapabilities where Self.unsupportedReason(capability) != nil {
            return GetCapacityResponse(availableCapacity: 0)
        }
        do {
            let available = try store.availableBytes() / Sizes.mebibyte * Sizes.mebibyte
            return GetCapacityResponse(availableCapacity: available, maximumVolumeSize: available,
                                       minimumVolumeSize: Sizes.mebibyte)
        } catch {
            throw internalError("cannot measure the backing filesystem", error)
        }
    }

    func controllerExpandVolume(_ request: ControllerExpandVolumeRequest) async throws -> ControllerExpandVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard let range = request.capacityRange else { throw CSIError.invalidArgument("capacityRange is required") }
        if let capability = request.volumeCapability, let reason = Self.unsupportedReason(capability) {
            throw CSIError.invalidArgument(reason)
        }
        let id = request.volumeId
        return try await locks.withLock(id) {
            var record = try existingVolume(id)
            let wanted = Sizes.roundUp(range.requiredBytes)
            if range.limitBytes > 0, wanted > range.limitBytes, record.capacityBytes < range.requiredBytes {
                throw CSIError(.outOfRange, "no size in whole MiB fits capacityRange [\(range.requiredBytes), \(range.limitBytes)]")
            }
            let block = try store.nodeRecord(id)?.block ?? false
            if wanted <= record.capacityBytes {
                return ControllerExpandVolumeResponse(capacityBytes: record.capacityBytes, nodeExpansionRequired: !block)
            }
            let available = try store.availableBytes()
            if wanted - record.capacityBytes > available {
                throw CSIError(.resourceExhausted, "growing volume \(id) to \(wanted) bytes does not fit: \(available) bytes free")
            }
            do {
                try grow(store.image(id), to: wanted)
                record.capacityBytes = wanted
                try store.save(record)
            } catch {
                throw internalError("cannot grow volume \(id)", error)
            }
            return ControllerExpandVolumeResponse(capacityBytes: wanted, nodeExpansionRequired: true)
        }
    }
}

/// Pages of `items` for List calls: the token is the index of the next item; a token not issued is ABORTED.
func paginate<T>(_ items: [T], maxEntries: Int, token: String) throws -> ([T], String) {
    guard maxEntries >= 0 else { throw CSIError.invalidArgument("maxEntries must not be negative") }
    var start = 0
    if !token.isEmpty {
        guard let index = Int(token), index >= 0, index <= items.count else {
            throw CSIError(.aborted, "startingToken \"\(token)\" was not issued by this driver")
        }
        start = index
    }
    let end = maxEntries == 0 ? items.count : min(items.count, start + maxEntries)
    return (Array(items[start..<end]), end < items.count ? String(end) : "")
}
