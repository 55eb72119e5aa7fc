import ArgumentParser

extension BenchCommand {
    /// Every benchmark subcommand (`stowage bench store`, …). Add new ones here (one line each).
    static var benchList: [any ParsableCommand.Type] {
        [
            BenchStoreCommand.self,
            BenchWatchCommand.self,
            BenchListCommand.self,
            BenchMemoryCommand.self,
            BenchDriverCommand.self,
            BenchDriverServerCommand.self,
            BenchAPICommand.self,
            BenchVolumesCommand.self,
            BenchProvisionCommand.self,
            BenchBindCommand.self,
            BenchEventsCommand.self,
            BenchDynamicCommand.self,
            BenchPodsCommand.self,
            BenchStatefulSetCommand.self,
        ]
    }
}
