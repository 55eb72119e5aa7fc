import Foundation
import StowageJSON

/// How the server decodes, runs and encodes one method; built once per server from the `Driver` requirements.
struct MethodEntry: Sendable {
    let method: CSIMethod
    /// Decodes `params` from the request object (`nil` container: no `params`, the default message).
    let decode: @Sendable (KeyedDecodingContainer<IncomingRequest.Keys>?) throws -> any Sendable
    /// Runs the driver method and returns the encoded response.
    let invoke: @Sendable (any Driver, any Sendable) async throws -> [UInt8]
    /// The request's secret values (to scrub them from messages).
    let secrets: @Sendable (any Sendable) -> [String]

    static func make<R: CSIRequest>(_ type: R.Type, _ body: @escaping @Sendable (any Driver, R) async throws -> R.Response) -> MethodEntry {
        MethodEntry(
            method: R.method,
            decode: { container in
                if let container, try container.decodeNil(forKey: .params) == false {
                    return try container.decode(R.self, forKey: .params)
                }
                return try JSONDecoder().decode(R.self, from: Data("{}".utf8))
            },
            invoke: { driver, params in
                guard let request = params as? R else { throw CSIError(.internal, "params of the wrong type for \(R.method.rawValue)") }
                return try JSONStreamEncoder().encode(try await body(driver, request))
            },
            secrets: { params in (params as? any CSIRequestWithSecrets).map { Array($0.secrets.values) } ?? [] }
        )
    }
}

/// The dispatch table: method name to entry.
struct MethodTable: Sendable {
    let entries: [String: MethodEntry]

    static let standard: MethodTable = {
        let list: [MethodEntry] = [
            .make(GetPluginInfoRequest.self) { try await $0.getPluginInfo($1) },
            .make(GetPluginCapabilitiesRequest.self) { try await $0.getPluginCapabilities($1) },
            .make(ProbeRequest.self) { try await $0.probe($1) },
            .make(CreateVolumeRequest.self) { try await $0.createVolume($1) },
            .make(DeleteVolumeRequest.self) { try await $0.deleteVolume($1) },
            .make(ControllerPublishVolumeRequest.self) { try await $0.controllerPublishVolume($1) },
            .make(ControllerUnpublishVolumeRequest.self) { try await $0.controllerUnpublishVolume($1) },
            .make(ValidateVolumeCapabilitiesRequest.self) { try await $0.validateVolumeCapabilities($1) },
            .make(ListVolumesRequest.self) { try await $0.listVolumes($1) },
            .make(GetCapacityRequest.self) { try await $0.getCapacity($1) },
            .make(ControllerGetCapabilitiesRequest.self) { try await $0.controllerGetCapabilities($1) },
            .make(CreateSnapshotRequest.self) { try await $0.createSnapshot($1) },
            .make(DeleteSnapshotRequest.self) { try await $0.deleteSnapshot($1) },
            .make(ListSnapshotsRequest.self) { try await $0.listSnapshots($1) },
            .make(GetSnapshotRequest.self) { try await $0.getSnapshot($1) },
            .make(ControllerExpandVolumeRequest.self) { try await $0.controllerExpandVolume($1) },
            .make(ControllerGetVolumeRequest.self) { try await $0.controllerGetVolume($1) },
            .make(ControllerModifyVolumeRequest.self) { try await $0.controllerModifyVolume($1) },
            .make(NodeStageVolumeRequest.self) { try await $0.nodeStageVolume($1) },
            .make(NodeUnstageVolumeRequest.self) { try await $0.nodeUnstageVolume($1) },
            .make(NodePublishVolumeRequest.self) { try await $0.nodePublishVolume($1) },
            .make(NodeUnpublishVolumeRequest.self) { try await $0.nodeUnpublishVolume($1) },
            .make(NodeGetVolumeStatsRequest.self) { try await $0.nodeGetVolumeStats($1) },
            .make(NodeExpandVolumeRequest.self) { try await $0.nodeExpandVolume($1) },
            .make(NodeGetCapabilitiesRequest.self) { try await $0.nodeGetCapabilities($1) },
            .make(NodeGetInfoRequest.self) { try await $0.nodeGetInfo($1) },
        ]
        return MethodTable(entries: Dictionary(uniqueKeysWithValues: list.map { ($0.method.rawValue, $0) }))
    }()
}

/// A request line decoded in one pass: the envelope is checked and `params` decoded into the method's type.
/// Problems are recorded (not thrown) so that the answer can carry the request's id.
struct IncomingRequest: Decodable {
    enum Keys: String, CodingKey { case jsonrpc, id, method, params }
    static let tableKey = CodingUserInfoKey(rawValue: "stowage.csi.methodTable")!

    var id: JSONRPCID = .null
    var method: String?
    var entry: MethodEntry?
    var params: (any Sendable)?
    var problem: CSIError?

    init(from decoder: any Decoder) throws {
        guard let c = try? decoder.container(keyedBy: Keys.self) else {
            problem = CSIError(.invalidRequest, "a request must be a JSON object")
            return
        }
        if c.contains(.id) {
            guard let id = try? c.decode(JSONRPCID.self, forKey: .id) else {
                problem = CSIError(.invalidRequest, "id must be a number, a string or null")
                return
            }
            self.id = id
        }
        if c.contains(.jsonrpc), (try? c.decode(String.self, forKey: .jsonrpc)) != "2.0" {
            problem = CSIError(.invalidRequest, "jsonrpc must be \"2.0\"")
            return
        }
        guard let method = try? c.decode(String.self, forKey: .method) else {
            problem = CSIError(.invalidRequest, "method must be a string")
            return
        }
        self.method = method
        guard c.contains(.id), id != .null else {
            problem = CSIError(.invalidRequest, "a request needs a non-null id (this protocol has no notifications)")
            return
        }
        guard let table = decoder.userInfo[Self.tableKey] as? MethodTable, let entry = table.entries[method] else {
            problem = CSIError(.unimplemented, "unknown method \(JSONText.quoted(String(method.prefix(64))))")
            return
        }
        self.entry = entry
        do {
            params = try entry.decode(c.contains(.params) ? c : nil)
        } catch {
            problem = CSIError(.invalidArgument, "\(method): params do not decode: \(DriverClient.describe(error))")
        }
    }
}
