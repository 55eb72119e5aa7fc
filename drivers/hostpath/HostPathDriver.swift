import Foundation
import StowageCSI
import StowageLinux

/// `hostpath.stowage.dev`: volumes are directories under the base directory, named after the volume; static
/// volumes publish an allow-listed host path. Identity and Controller services here, Node in `+Node`.
struct HostPathDriver: Driver {
    static let name = "hostpath.stowage.dev"
    static let version = "0.3.0"
    /// Volume-context keys this driver sets and reads.
    enum ContextKey {
        static let sizeEnforced = "hostpath.stowage.dev/size-enforced"
        static let path = "hostpath.stowage.dev/path"
        static let type = "hostpath.stowage.dev/type"
    }
    /// Capacity when the caller gives no range.
    static let defaultCapacity: Int64 = 1 << 30

    let state: HostPathState
    let baseDirectory: String
    let nodeID: String
    let staticPaths: StaticHostPaths

    // MARK: Identity

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: Self.name, vendorVersion: Self.version)
    }

    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse {
        GetPluginCapabilitiesResponse(capabilities: [.service(.controllerService), .service(.volumeAccessibilityConstraints)])
    }

    func probe(_ request: ProbeRequest) async throws -> ProbeResponse {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: baseDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CSIError(.failedPrecondition, "the base directory \(baseDirectory) is missing")
        }
        return ProbeResponse(ready: true)
    }

    // MARK: Controller

    func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse {
        ControllerGetCapabilitiesResponse(capabilities: [.rpc(.createDeleteVolume), .rpc(.listVolumes), .rpc(.expandVolume), .rpc(.getCapacity)])
    }

    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse {
        try RequestChecks.require(request.name, "name")
        guard !request.volumeCapabilities.isEmpty else { throw CSIError(.invalidArgument, "volumeCapabilities is required") }
        for (index, capability) in request.volumeCapabilities.enumerated() {
            try RequestChecks.requireSupported(capability, "volumeCapabilities[\(index)]")
        }
        if let problem = VolumeName.problem(request.name) { throw CSIError(.invalidArgument, "name: \(problem)") }
        if request.volumeContentSource != nil {
            throw CSIError(.invalidArgument, "volumeContentSource is not supported: hostpath has no snapshots or clones")
        }
        let required = request.capacityRange?.requiredBytes ?? 0, limit = request.capacityRange?.limitBytes ?? 0
        if required < 0 || limit < 0 || (limit > 0 && required > limit) {
            throw CSIError(.invalidArgument, "capacityRange \(required)..\(limit) is not a valid range")
        }
        let name = request.name
        let directory = volumeDirectory(name)
        let parameters = request.parameters
        let record = try await state.update { records -> HostPathState.VolumeRecord in
            if let existing = records.volumes[name] {
                if existing.capacityBytes < required || (limit > 0 && existing.capacityBytes > limit) {
                    throw CSIError(.alreadyExists, "volume \(name) exists with \(existing.capacityBytes) bytes, outside the requested range \(required)..\(limit > 0 ? limit : required)")
                }
                if existing.parameters != parameters { throw CSIError(.alreadyExists, "volume \(name) exists with other parameters") }
                return existing
            }
            let capacity = required > 0 ? required : min(Self.defaultCapacity, limit > 0 ? limit : Self.defaultCapacity)
            // The directory first: a crash before the state is saved leaves a directory a retried create adopts.
            if mkdir(directory, 0o777) != 0, errno != EEXIST { throw CSIError(.internal, "\(LinuxError.lastError("mkdir", path: directory))") }
            chmod(directory, 0o777)
            let record = HostPathState.VolumeRecord(name: name, capacityBytes: capacity, parameters: parameters)
            records.volumes[name] = record
            return record
        }
        return CreateVolumeResponse(volume: volume(name, record))
    }

    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        let id = request.volumeId
        try await state.update { records in
            guard records.volumes[id] != nil else { return }
            if records.staged[id] != nil || !(records.published[id] ?? [:]).isEmpty {
                throw CSIError(.failedPrecondition, "volume \(id) is still staged or published")
            }
            // Only ever below the base directory, and never through a symlink.
            guard VolumeName.problem(id) == nil else { throw CSIError(.internal, "volume id \(id) is not a directory name") }
            do {
                try SafeRemoval.removeTree(volumeDirectory(id))
            } catch {
                throw CSIError(.internal, "cannot delete volume \(id): \(error)")
            }
            records.volumes[id] = nil
        }
        return DeleteVolumeResponse()
    }

    func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        guard !request.volumeCapabilities.isEmpty else { throw CSIError(.invalidArgument, "volumeCapabilities is required") }
        for (index, capability) in request.volumeCapabilities.enumerated() { _ = try RequestChecks.check(capability, "volumeCapabilities[\(index)]") }
        guard let record = await state.volume(request.volumeId) else { throw CSIError(.notFound, "volume \(request.volumeId) does not exist") }
        for capability in request.volumeCapabilities {
            if let reason = try RequestChecks.check(capability) { return ValidateVolumeCapabilitiesResponse(message: reason) }
        }
        if !request.parameters.isEmpty, request.parameters != record.parameters {
            return ValidateVolumeCapabilitiesResponse(message: "the volume was created with other parameters")
        }
        return ValidateVolumeCapabilitiesResponse(confirmed: .init(volumeContext: request.volumeContext,
                                                                    volumeCapabilities: request.volumeCapabilities,
                                                                    parameters: request.parameters))
    }

    func listVolumes(_ request: ListVolumesRequest) async throws -> ListVolumesResponse {
        if request.maxEntries < 0 { throw CSIError(.invalidArgument, "maxEntries must not be negative") }
        let token = request.startingToken.isEmpty ? "0" : request.startingToken
        guard let start = Int(token), start >= 0 else { throw CSIError(.aborted, "startingToken \(token) was not issued by this driver") }
        let volumes = await state.volumes
        let ids = volumes.keys.sorted()
        if start > ids.count { throw CSIError(.aborted, "startingToken \(token) is past the end of the list") }
        let end = request.maxEntries == 0 ? ids.count : min(ids.count, start + Int(request.maxEntries))
        let entries = ids[start..<end].map { ListVolumesResponse.Entry(volume: volume($0, volumes[$0]!)) }
        return ListVolumesResponse(entries: Array(entries), nextToken: end < ids.count ? String(end) : "")
    }

    func controllerExpandVolume(_ request: ControllerExpandVolumeRequest) async throws -> ControllerExpandVolumeResponse {
        try RequestChecks.require(request.volumeId, "volumeId")
        guard let range = request.capacityRange else { throw CSIError(.invalidArgument, "capacityRange is required") }
        let id = request.volumeId
        let capacity = try await state.update { records -> Int64 in
            guard var record = records.volumes[id] else { throw CSIError(.notFound, "volume \(id) does not exist") }
            let capacity = max(record.capacityBytes, range.requiredBytes)
            if range.limitBytes > 0, capacity > range.limitBytes {
                throw CSIError(.outOfRange, "volume \(id) has \(capacity) bytes, more than limitBytes \(range.limitBytes)")
            }
            record.capacityBytes = capacity
            records.volumes[id] = record
            return capacity
        }
        return ControllerExpandVolumeResponse(capacityBytes: capacity, nodeExpansionRequired: false)
    }

    func getCapacity(_ request: GetCapacityRequest) async throws -> GetCapacityResponse {
        for (index, capability) in request.volumeCapabilities.enumerated() {
            if try RequestChecks.check(capability, "volumeCapabilities[\(index)]") != nil { return GetCapacityResponse(availableCapacity: 0) }
        }
        let stats = try FilesystemStats.of(baseDirectory)
        return GetCapacityResponse(availableCapacity: stats.availableBytes, maximumVolumeSize: stats.availableBytes)
    }

    // MARK: Helpers

    func volumeDirectory(_ id: String) -> String { baseDirectory + "/" + id }

    private func volume(_ id: String, _ record: HostPathState.VolumeRecord) -> Volume {
        Volume(capacityBytes: record.capacityBytes, volumeId: id,
               volumeContext: [ContextKey.sizeEnforced: "false"],
               accessibleTopology: [Topology(segments: [HostPathDriver.topologyKey: nodeID])])
    }

    static let topologyKey = "topology.hostpath.stowage.dev/node"
}
