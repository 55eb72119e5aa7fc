import Foundation
import StowageCSI
import Synchronization
import Testing

/// The SDK example of docs/driver-protocol.md, kept compiling and working here.
private final class DirectoryDriver: Driver {
    let root: String
    private let sizes = Mutex<[String: Int64]>([:])
    init(root: String) { self.root = root }

    func getPluginInfo(_ request: GetPluginInfoRequest) async throws -> GetPluginInfoResponse {
        GetPluginInfoResponse(name: "directory.example.dev", vendorVersion: "0.1.0")
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
        guard !request.volumeCapabilities.isEmpty else { throw CSIError.invalidArgument("volumeCapabilities are required") }
        let size = request.capacityRange?.requiredBytes ?? 0
        let existing = sizes.withLock { sizes -> Int64? in
            defer { if sizes[request.name] == nil { sizes[request.name] = size } }
            return sizes[request.name]
        }
        if let existing, existing != size {
            throw CSIError.alreadyExists("volume \(request.name) exists with \(existing) bytes")
        }
        try FileManager.default.createDirectory(atPath: root + "/" + request.name, withIntermediateDirectories: true)
        return CreateVolumeResponse(volume: Volume(capacityBytes: size, volumeId: request.name))
    }
    func deleteVolume(_ request: DeleteVolumeRequest) async throws -> DeleteVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        try? FileManager.default.removeItem(atPath: root + "/" + request.volumeId)
        sizes.withLock { _ = $0.removeValue(forKey: request.volumeId) }
        return DeleteVolumeResponse()
    }
    func nodeGetInfo(_ request: NodeGetInfoRequest) async throws -> NodeGetInfoResponse {
        NodeGetInfoResponse(nodeId: ProcessInfo.processInfo.hostName)
    }
    func nodeGetCapabilities(_ request: NodeGetCapabilitiesRequest) async throws -> NodeGetCapabilitiesResponse {
        NodeGetCapabilitiesResponse()
    }
}

@Suite("Documentation example")
struct DocExampleTests {
    @Test func directoryDriverFromTheDocsWorks() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let server = try DriverServer(driver: DirectoryDriver(root: dir.path), endpoint: "unix://" + dir.socket())
        try server.start()
        let client = try DriverClient(endpoint: "unix://" + dir.socket(), configuration: .init(timeout: .seconds(30), connections: 2))
        #expect(try await client.getPluginInfo().name == "directory.example.dev")
        let request = CreateVolumeRequest(name: "pvc-1", capacityRange: .init(requiredBytes: 1 << 30),
                                          volumeCapabilities: [.mount(fsType: "ext4", mode: .singleNodeWriter)])
        #expect(try await client.createVolume(request).volume?.capacityBytes == 1 << 30)
        #expect(try await client.createVolume(request).volume?.volumeId == "pvc-1")
        var bigger = request
        bigger.capacityRange = .init(requiredBytes: 2 << 30)
        await #expect(throws: CSIError(.alreadyExists, "volume pvc-1 exists with 1073741824 bytes")) { try await client.createVolume(bigger) }
        #expect(FileManager.default.fileExists(atPath: dir.path + "/pvc-1"))
        _ = try await client.deleteVolume(DeleteVolumeRequest(volumeId: "pvc-1"))
        _ = try await client.deleteVolume(DeleteVolumeRequest(volumeId: "pvc-1"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/pvc-1"))
        await server.shutdown()
    }
}
