import Foundation
import StowageCSI

#if canImport(Glibc)
import Glibc
#endif

/// Deliberate rule violations the broken variants of the in-test driver commit.
struct Breakage: OptionSet, Sendable {
    let rawValue: Int
    /// NodeUnstageVolume of an existing volume that was never staged answers NOT_FOUND.
    static let unstageNeverStagedNotFound = Breakage(rawValue: 1 << 0)
    /// NodePublishVolume looks the volume up before checking targetPath and volumeCapability.
    static let lookupBeforeArgumentCheck = Breakage(rawValue: 1 << 1)
    /// NodeUnpublishVolume unmounts but leaves the target directory behind.
    static let leavesTarget = Breakage(rawValue: 1 << 2)
    /// NodePublishVolume without stagingTargetPath publishes the volume directory directly.
    static let publishWithoutStaging = Breakage(rawValue: 1 << 3)
    /// Not a breakage but a driver shape: no STAGE_UNSTAGE_VOLUME, publish binds the volume directly.
    static let noStaging = Breakage(rawValue: 1 << 4)
    /// NodePublishVolume mounts every target read-only, also when a writable one was asked for.
    static let publishesReadOnly = Breakage(rawValue: 1 << 5)
}

/// A small directory driver written with the SDK (`Driver` + `DriverServer`): volumes are directories, stage
/// bind-mounts the volume onto the staging path, publish bind-mounts the staging path onto the target. It
/// follows every rule unless `breakage` says otherwise.
struct TestDirectoryDriver: Driver {
    let state: TestDriverState
    let breakage: Breakage

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: "test.sanity.stowage.dev", vendorVersion: "0.1")
    }
    func getPluginCapabilities(_ request: GetPluginCapabilitiesRequest) async throws -> GetPluginCapabilitiesResponse {
        GetPluginCapabilitiesResponse(capabilities: [.service(.controllerService)])
    }
    func probe(_ request: ProbeRequest) async throws -> ProbeResponse { ProbeResponse(ready: true) }

    func controllerGetCapabilities(_ request: ControllerGetCapabilitiesRequest) async throws -> ControllerGetCapabilitiesResponse {
        ControllerGetCapabilitiesResponse(capabilities: [.rpc(.createDeleteVolume)])
    }

    func createVolume(_ request: CreateVolumeRequest) async throws -> CreateVolumeResponse {
        guard !request.name.isEmpty else { throw CSIError.invalidArgument("name is required") }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities is required") }
        for capability in request.volumeCapabilities { try Self.checkSupported(capability) }
        let size = request.capacityRange?.requiredBytes ?? 0
        let limit = request.capacityRange?.limitBytes ?? 0
        let root = state.root
        let volume = try await state.update { records -> Volume in
            if let (id, existing) = records.volumes.first(where: { $0.value.name == request.name }) {
                guard existing.capacityBytes >= size, limit == 0 || existing.capacityBytes <= limit,
                      existing.parameters == request.parameters else {
                    throw CSIError.alreadyExists("volume \(request.name) exists with \(existing.capacityBytes) bytes")
                }
                return Volume(capacityBytes: existing.capacityBytes, volumeId: id)
            }
            let id = UUID().uuidString.lowercased()
            try FileManager.default.createDirectory(atPath: "\(root)/volumes/\(id)", withIntermediateDirectories: true)
            let capacity = size > 0 ? size : 1 << 20
            records.volumes[id] = .init(name: request.name, capacityBytes: capacity, parameters: request.parameters)
            return Volume(capacityBytes: capacity, volumeId: id)
        }
        return CreateVolumeResponse(volume: volume)
    }

    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        let directory = await state.volumeDirectory(request.volumeId)
        try await state.update { records in
            guard records.volumes.removeValue(forKey: request.volumeId) != nil else { return }
            try? FileManager.default.removeItem(atPath: directory)
        }
        return DeleteVolumeResponse()
    }

    func validateVolumeCapabilities(_ request: ValidateVolumeCapabilitiesRequest) async throws -> ValidateVolumeCapabilitiesResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities is required") }
        guard await state.records.volumes[request.volumeId] != nil else { throw CSIError.notFound("no volume \(request.volumeId)") }
        return ValidateVolumeCapabilitiesResponse(confirmed: .init(volumeCapabilities: request.volumeCapabilities))
    }

    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        breakage.contains(.noStaging)
            ? NodeGetCapabilitiesResponse(capabilities: [.rpc(.getVolumeStats)])
            : NodeGetCapabilitiesResponse(capabilities: [.rpc(.stageUnstageVolume), .rpc(.getVolumeStats)])
    }
    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse { NodeGetInfoResponse(nodeId: "test-node") }

    /// Block volumes are all served by one block device node (publish bind-mounts it onto the target file):
    /// enough to show the suite's block path, no data is written to it.
    static let blockDevice = ["/dev/loop0", "/dev/loop1", "/dev/sda", "/dev/vda"].first {
        var info = stat()
        return stat($0, &info) == 0 && (info.st_mode & S_IFMT) == S_IFBLK
    }

    static func isBlock(_ capability: VolumeCapability?) -> Bool {
        if case .block = capability?.accessType { return true }
        return false
    }

    static func checkSupported(_ capability: VolumeCapability?) throws {
        guard let capability, let mode = capability.accessMode?.mode, capability.accessType != nil else {
            throw CSIError.invalidArgument("volumeCapability with accessType and accessMode is required")
        }
        if isBlock(capability), blockDevice == nil { throw CSIError.invalidArgument("no block device to serve block access") }
        guard mode.rawValue.hasPrefix("SINGLE_NODE_") else { throw CSIError.invalidArgument("\(mode) is not supported") }
    }
}
