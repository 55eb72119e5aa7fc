import StowageCSI

/// Field and capability checks in the order the protocol asks: a missing required field is INVALID_ARGUMENT
/// before anything is looked up.
enum RequestChecks {
    static let supportedModes: Set<VolumeCapability.AccessMode.Mode> = [
        .singleNodeWriter, .singleNodeReaderOnly, .singleNodeSingleWriter, .singleNodeMultiWriter,
    ]
    static let knownModes: Set<VolumeCapability.AccessMode.Mode> = supportedModes.union([
        .multiNodeReaderOnly, .multiNodeSingleWriter, .multiNodeMultiWriter,
    ])

    static func require(_ value: String, _ field: String) throws {
        if value.isEmpty { throw CSIError(.invalidArgument, "\(field) is required") }
    }

    /// Throws INVALID_ARGUMENT for a malformed capability; returns why a well-formed one is unsupported, or nil.
    static func check(_ capability: VolumeCapability?, _ field: String = "volumeCapability") throws -> String? {
        guard let capability else { throw CSIError(.invalidArgument, "\(field) is required") }
        guard let mode = capability.accessMode?.mode, mode != .unknown else {
            throw CSIError(.invalidArgument, "\(field).accessMode.mode is required")
        }
        guard knownModes.contains(mode) else { throw CSIError(.invalidArgument, "\(field).accessMode.mode \(mode.rawValue) is not a CSI access mode") }
        switch capability.accessType {
        case nil: throw CSIError(.invalidArgument, "\(field) needs exactly one access type: mount or block")
        case .block: return "block access is not supported: hostpath volumes are directories"
        case .mount:
            return supportedModes.contains(mode) ? nil : "access mode \(mode.rawValue) is not supported: a host directory lives on one node"
        }
    }

    static func requireSupported(_ capability: VolumeCapability?, _ field: String = "volumeCapability") throws {
        if let reason = try check(capability, field) { throw CSIError(.invalidArgument, reason) }
    }
}
