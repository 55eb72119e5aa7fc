import ArgumentParser
import StowageAPI
import StowageClient

/// `stowage pv ...`: actions on PersistentVolumes that Kubernetes has no verb for.
struct PVCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pv", abstract: "Actions on PersistentVolumes.", subcommands: [PVReleaseCommand.self])
}

/// `stowage pv release NAME`: the explicit, never automatic, way to make a Released volume with policy Retain
/// Available again (Kubernetes #91847): clears its stale claimRef so the binder offers it to new claims. The data on
/// it is kept as it is; whoever binds it next sees the previous claim's files.
struct PVReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Make a Released, Retained volume Available again (its data is kept and offered to the next claim).")

    @Argument(help: "The PersistentVolume's name.") var name: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await CommandErrors.reporting {
            try await connection.withCluster { cluster in
                var volume = try await cluster.get(PersistentVolume.self, ObjectKey(name: name))
                let phase = volume.status?.phase ?? "Pending"
                guard phase == PersistentVolumePhase.released || phase == PersistentVolumePhase.failed else {
                    throw CommandFailure("persistentvolume/\(name) is \(phase); only a Released (or Failed) volume can be released")
                }
                if phase == PersistentVolumePhase.released, volume.spec?.persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.delete {
                    throw CommandFailure("persistentvolume/\(name) has reclaim policy Delete: the reclaimer is deleting it")
                }
                guard volume.metadata.isBeingDeleted == false else {
                    throw CommandFailure("persistentvolume/\(name) is being deleted")
                }
                let previous = volume.spec?.claimRef.map { "\($0.namespace ?? "default")/\($0.name ?? "")" } ?? "none"
                volume.spec?.claimRef = nil
                volume.metadata.annotations?[StorageAnnotation.boundByController] = nil
                _ = try await cluster.update(volume)
                print("persistentvolume/\(name) released (was claimed by \(previous)); it becomes Available for new claims with its data kept")
            }
        }
    }
}
