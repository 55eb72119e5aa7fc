import ArgumentParser

/// The `stowage` command line.
@main
struct StowageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stowage",
        abstract: "Kubernetes storage orchestration for one Linux box: PVs, PVCs, StorageClasses and CSI-style drivers.",
        subcommands: StowageCommand.subcommandList
    )
}
