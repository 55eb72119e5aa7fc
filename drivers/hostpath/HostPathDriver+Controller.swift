import Foundation
import StowageCSI
import StowageLinux

/// The controller service: CreateVolume makes `<base-dir>/<name>`, DeleteVolume removes it symlink-safely.
extension HostPathDriver {
    static let defaultCapacity: Int64 = 1 << 30

    func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse {
        ControllerGetCapabilitiesResponse(capabilities: [
            .rpc(.createDeleteVolume), .rpc(.listVolumes), .rpc(.getCapacity), .rpc(.expandVolume),
        ])
    }

    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse {
        let name = request.name
        guard !name.isEmpty else { throw CSIError.invalidArgument("name is required") }
        if let problem = SafeName.problem(with: name) {
            throw CSIError.invalidArgument("name \(name.debugDescription) \(problem); a volume name must be one safe path component")
        }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities is required") }
        var modes: [String] = []
        for (index, capability) in request.volumeCapabilities.enumerated() {
            modes.append(try supportedMode(capability, "volumeCapabilities[\(index)]").rawValue)
        }
        if request.volumeContentSource != nil {
            throw CSIError.invalidArgument("volumeContentSource is not supported: hostpath has no snapshots or clones")
        }
        let required = request.capacityRange?.requiredBytes ?? 0
        let limit = request.capacityRange?.limitBytes ?? 0
        guard required >= 0, limit >= 0, limit == 0 || required <= limit else {
            throw CSIError(.outOfRange, "capacityRange \(required)..\(limit) is not a valid range")
        }
        return try locked {
            if let existing = volumes[name] {
                let size = existing.capacityBytes
                if size < required || (limit > 0 && size > limit) {
                    throw CSIError.alreadyExists("volume \(name) exists with \(size) bytes, outside the requested range \(required)..\(limit)")
                }
                if existing.parameters != request.parameters {
                    throw CSIError.alreadyExists("volume \(name) exists with other parameters")
                }
                return CreateVolumeResponse(volume: volume(name, existing))
            }
            let capacity = required > 0 ? required : min(Self.defaultCapacity, limit > 0 ? limit : Self.defaultCapacity)
            let path = directory(of: name)
            var existing = stat()
            if lstat(path, &existing) == 0 {
                // A crash after the directory was made and before the record leaves it; a retry reuses it.
                guard (existing.st_mode & S_IFMT) == S_IFDIR else {
                    throw CSIError.internal("\(path) exists and is not a directory; it was not made by this driver")
                }
                try checkedSystemCall("chmod", path: path) { chmod(path, 0o777) }
            } else {
                try spares.take(to: path)
            }
            // The directory must be on disk before the record that promises it: the record's commit syncs only the
            // database's log, which (once the log is reused after a checkpoint) does not carry the rename with it.
            try DurableFile.syncDirectory(configuration.baseDirectory)
            var record = VolumeRecord(name: name, capacityBytes: capacity, parameters: request.parameters,
                                      accessModes: modes, projectID: nil, sizeNotEnforcedReason: nil)
            switch quota {
            case .success(let quota):
                let id = nextProjectID()
                try quota.assign(directory: path, projectID: id)
                try quota.setLimit(projectID: id, bytes: capacity)
                record.projectID = id
            case .failure(let reason):
                record.sizeNotEnforcedReason = reason.description
            }
            try volumes.put(name, record)
            return CreateVolumeResponse(volume: volume(name, record))
        }
    }

    /// The lowest project id above every recorded one (ids are never reused while a record holds them).
    private func nextProjectID() -> UInt32 {
        let used = volumes.records.values.compactMap(\.projectID)
        return max(configuration.projectIDBase, (used.max() ?? 0) &+ 1)
    }

    func volume(_ id: String, _ record: VolumeRecord) -> Volume {
        var context = [ContextKey.sizeEnforced: record.projectID != nil ? "true" : "false"]
        if let reason = record.sizeNotEnforcedReason { context[ContextKey.sizeNotEnforcedReason] = reason }
        // A directory on this machine: reachable from this node only.
        return Volume(capacityBytes: record.capacityBytes, volumeId: id, volumeContext: context,
                      accessibleTopology: [Topology(segments: [HostPathDriver.topologyKey: configuration.nodeID])])
    }

    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse {
        let id = request.volumeId
        guard !id.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        // An id that could not name a volume of ours names nothing: OK, and nothing is touched.
        guard SafeName.isSafe(id) else { return DeleteVolumeResponse() }
        return try locked {
            if let target = published.records.values.first(where: { $0.volumeId == id && $0.source == directory(of: id) }) {
                throw CSIError.failedPrecondition("volume \(id) is still published at \(target.targetPath); unpublish it first")
            }
            do {
                try SafeRemoval.remove(id, in: configuration.baseDirectory)
            } catch let error as LinuxError where error.errno == EXDEV {
                throw CSIError.failedPrecondition("volume \(id) has a filesystem mounted inside it: \(error)")
            }
            // Gone from the disk before the record goes, so a power loss cannot leave a directory nobody records.
            try DurableFile.syncDirectory(configuration.baseDirectory)
            if let projectID = volumes[id]?.projectID, case .success(let quota) = quota {
                try? quota.setLimit(projectID: projectID, bytes: 0)
            }
            try volumes.remove(id)
            return DeleteVolumeResponse()
        }
    }

    func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities is required") }
        for (index, capability) in request.volumeCapabilities.enumerated() where capability.accessType == nil {
            throw CSIError.invalidArgument("volumeCapabilities[\(index)] needs an access type (mount or block)")
        }
        let record = try locked { volumes[request.volumeId] }
        guard let record else { throw CSIError.notFound("volume \(request.volumeId) does not exist") }
        for (index, capability) in request.volumeCapabilities.enumerated() {
            do {
                _ = try supportedMode(capability, "volumeCapabilities[\(index)]")
            } catch let error as CSIError {
                return ValidateVolumeCapabilitiesResponse(message: error.message)
            }
        }
        if !request.parameters.isEmpty && request.parameters != record.parameters {
            return ValidateVolumeCapabilitiesResponse(message: "the volume was created with other parameters")
        }
        return ValidateVolumeCapabilitiesResponse(confirmed: .init(
            volumeContext: request.volumeContext, volumeCapabilities: request.volumeCapabilities, parameters: request.parameters))
    }

    func listVolumes(_ request: ListVolumesRequest) async throws -> ListVolumesResponse {
        guard request.maxEntries >= 0 else { throw CSIError.invalidArgument("maxEntries must not be negative") }
        let all = try locked { volumes.records.sorted { $0.key < $1.key } }
        let token = request.startingToken.isEmpty ? "0" : request.startingToken
        guard let start = Int(token), start >= 0, start <= all.count else {
            throw CSIError(.aborted, "startingToken \(token.debugDescription) was not issued by this driver")
        }
        let end = request.maxEntries == 0 ? all.count : min(all.count, start + Int(request.maxEntries))
        let entries = all[start..<end].map { ListVolumesResponse.Entry(volume: volume($0.key, $0.value)) }
        return ListVolumesResponse(entries: entries, nextToken: end < all.count ? String(end) : "")
    }

    func getCapacity(_ request: GetCapacityRequest) async throws -> GetCapacityResponse {
        for (index, capability) in request.volumeCapabilities.enumerated() {
            if (try? supportedMode(capability, "volumeCapabilities[\(index)]")) == nil { return GetCapacityResponse(availableCapacity: 0) }
        }
        let stats = try locked { try FilesystemStats(path: configuration.baseDirectory) }
        return GetCapacityResponse(availableCapacity: stats.availableBytes)
    }

    func controllerExpandVolume(_ request: ControllerExpandVolumeRequest) async throws -> ControllerExpandVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard let range = request.capacityRange else { throw CSIError.invalidArgument("capacityRange is required") }
        return try locked {
            guard var record = volumes[request.volumeId] else { throw CSIError.notFound("volume \(request.volumeId) does not exist") }
            let capacity = max(record.capacityBytes, range.requiredBytes)
            if range.limitBytes > 0 && capacity > range.limitBytes {
                throw CSIError(.outOfRange, "volume \(request.volumeId) has \(capacity) bytes, more than limitBytes \(range.limitBytes)")
            }
            if capacity != record.capacityBytes {
                if let id = record.projectID, case .success(let quota) = quota { try quota.setLimit(projectID: id, bytes: capacity) }
                record.capacityBytes = capacity
                try volumes.put(request.volumeId, record)
            }
            return ControllerExpandVolumeResponse(capacityBytes: capacity, nodeExpansionRequired: false)
        }
    }
}
