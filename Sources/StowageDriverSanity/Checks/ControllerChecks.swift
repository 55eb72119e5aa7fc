import Foundation
import StowageCSI

/// The Controller service: known capabilities, required arguments before lookups, CreateVolume/DeleteVolume
/// idempotency, ValidateVolumeCapabilities. Feature checks (listing, expansion, snapshots, clones) are in
/// `ControllerFeatureChecks`.
enum ControllerChecks {
    static let all: [SanityCheck] = [
        capabilitiesKnown, createMissingName, createMissingCapabilities, createIdempotent, createCapacity,
        createIncompatibleSize, deleteMissingID, deleteUnknown, deleteTwice, validateMissingID,
        validateMissingCapabilities, validateUnknown, validateConfirms,
    ] + ControllerFeatureChecks.all

    static let capabilitiesKnown = SanityCheck(
        "Controller/capabilities-known", "ControllerGetCapabilities lists only known RPC types"
    ) { context in
        try context.requireDiscovery()
        guard context.controllerCapabilities != nil else { throw CheckSkip("the driver does not advertise CONTROLLER_SERVICE") }
        let response = try await context.ok(ControllerGetCapabilitiesRequest())
        for capability in response.capabilities {
            guard let type = capability.rpc?.type else { throw CheckFailure("a controller capability has no rpc") }
            try ensure(type.isKnown && type != .unknown, "ControllerGetCapabilities lists rpc type \"\(type)\"")
        }
    }

    static let createMissingName = SanityCheck(
        "Controller/create-missing-name", "CreateVolume without name is INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.createDeleteVolume)
        var request = context.createRequest(name: "")
        request.name = ""
        try await context.fails(request, with: .invalidArgument, because: "name is required")
    }

    static let createMissingCapabilities = SanityCheck(
        "Controller/create-missing-capabilities", "CreateVolume without volumeCapabilities is INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.createDeleteVolume)
        var request = context.createRequest(name: context.volumeName("nocaps"))
        request.volumeCapabilities = []
        // Should a broken driver create it anyway, delete it again.
        context.onCleanup("delete a volume created without capabilities") { [unowned context] in
            if case .success(let response) = try await context.outcome(request), let id = response.volume?.volumeId {
                _ = try await context.ok(DeleteVolumeRequest(volumeId: id), "clean-up")
            }
        }
        try await context.fails(request, with: .invalidArgument, because: "volumeCapabilities is required")
    }

    static let createIdempotent = SanityCheck(
        "Controller/create-idempotent", "CreateVolume twice with the same name and arguments returns the same volume"
    ) { context in
        try context.requireController(.createDeleteVolume)
        let request = context.createRequest(name: context.volumeName("twice"))
        let first = try await context.ok(request, "first")
        if let id = first.volume?.volumeId { context.registerDelete(id) }
        let second = try await context.ok(request, "second, same name and arguments")
        if let id = second.volume?.volumeId, id != first.volume?.volumeId { context.registerDelete(id) }
        try ensure(first.volume?.volumeId == second.volume?.volumeId,
                   "the second CreateVolume returned volumeId \(second.volume?.volumeId ?? "nil"); "
                   + "the first returned \(first.volume?.volumeId ?? "nil")")
        try ensure(first.volume?.capacityBytes == second.volume?.capacityBytes,
                   "the second CreateVolume returned \(second.volume?.capacityBytes ?? 0) bytes; "
                   + "the first \(first.volume?.capacityBytes ?? 0)")
    }

    static let createCapacity = SanityCheck(
        "Controller/create-capacity", "CreateVolume returns at least the required bytes (or 0 for unknown)"
    ) { context in
        let volume = try await context.newVolume("capacity")
        let wanted = context.configuration.volumeSize
        try ensure(volume.capacityBytes == 0 || volume.capacityBytes >= wanted,
                   "CreateVolume with requiredBytes \(wanted) returned capacityBytes \(volume.capacityBytes)")
    }

    static let createIncompatibleSize = SanityCheck(
        "Controller/create-incompatible-size",
        "CreateVolume of an existing name with an incompatible size is ALREADY_EXISTS"
    ) { context in
        try context.requireController(.createDeleteVolume)
        let name = context.volumeName("resized")
        let first = try await context.ok(context.createRequest(name: name), "first")
        guard let volume = first.volume else { throw CheckFailure("CreateVolume answered without volume") }
        context.registerDelete(volume.volumeId)
        let bigger = max(volume.capacityBytes, context.configuration.volumeSize) * 2
        var request = context.createRequest(name: name, size: bigger)
        request.capacityRange = CapacityRange(requiredBytes: bigger, limitBytes: bigger)
        try await context.fails(request, with: .alreadyExists,
                                because: "the name exists with \(volume.capacityBytes) bytes and \(bigger) are required")
    }

    static let deleteMissingID = SanityCheck(
        "Controller/delete-missing-volume-id", "DeleteVolume without volumeId is INVALID_ARGUMENT"
    ) { context in
        try context.requireController(.createDeleteVolume)
        try await context.fails(DeleteVolumeRequest(), with: .invalidArgument, because: "volumeId is required")
    }

    static let deleteUnknown = SanityCheck(
        "Controller/delete-unknown-volume", "DeleteVolume of a volume that never existed is OK"
    ) { context in
        try context.requireController(.createDeleteVolume)
        try await context.ok(DeleteVolumeRequest(volumeId: context.madeUpVolumeID), "unknown volume: deleting nothing is OK")
    }

    static let deleteTwice = SanityCheck(
        "Controller/delete-twice", "DeleteVolume of a volume already deleted is OK"
    ) { context in
        let volume = try await context.newVolume("deleted")
        try await context.ok(DeleteVolumeRequest(volumeId: volume.volumeId), "first")
        try await context.ok(DeleteVolumeRequest(volumeId: volume.volumeId), "second, already gone")
    }

    static let validateMissingID = SanityCheck(
        "Controller/validate-missing-volume-id", "ValidateVolumeCapabilities without volumeId is INVALID_ARGUMENT"
    ) { context in
        try context.requireDiscovery()
        guard context.controllerCapabilities != nil else { throw CheckSkip("the driver does not advertise CONTROLLER_SERVICE") }
        try await context.fails(ValidateVolumeCapabilitiesRequest(volumeCapabilities: [context.capability()]),
                                with: .invalidArgument, because: "volumeId is required")
    }

    static let validateMissingCapabilities = SanityCheck(
        "Controller/validate-missing-capabilities",
        "ValidateVolumeCapabilities without volumeCapabilities is INVALID_ARGUMENT, even for a made-up volume"
    ) { context in
        try context.requireDiscovery()
        guard context.controllerCapabilities != nil else { throw CheckSkip("the driver does not advertise CONTROLLER_SERVICE") }
        try await context.fails(ValidateVolumeCapabilitiesRequest(volumeId: context.madeUpVolumeID),
                                with: .invalidArgument, because: "volumeCapabilities is required, checked before the lookup")
    }

    static let validateUnknown = SanityCheck(
        "Controller/validate-unknown-volume", "ValidateVolumeCapabilities of a volume that does not exist is NOT_FOUND"
    ) { context in
        try context.requireDiscovery()
        guard context.controllerCapabilities != nil else { throw CheckSkip("the driver does not advertise CONTROLLER_SERVICE") }
        try await context.fails(ValidateVolumeCapabilitiesRequest(volumeId: context.madeUpVolumeID,
                                                                   volumeCapabilities: [context.capability()]),
                                with: .notFound, because: "the volume does not exist")
    }

    static let validateConfirms = SanityCheck(
        "Controller/validate-confirms", "ValidateVolumeCapabilities confirms the capability a volume was created with"
    ) { context in
        let volume = try await context.newVolume("validated")
        let response = try await context.ok(ValidateVolumeCapabilitiesRequest(
            volumeId: volume.volumeId, volumeContext: volume.volumeContext, volumeCapabilities: [context.capability()],
            parameters: context.configuration.parameters))
        try ensure(response.confirmed != nil, "ValidateVolumeCapabilities did not confirm the capability the volume "
                   + "was created with (message: \"\(response.message)\")")
    }
}

extension SanityContext {
    /// A volume id no driver has issued.
    var madeUpVolumeID: String { "sanity-made-up-volume-\(runID)" }
}
