import ArgumentParser

extension StowageCommand {
    /// Every subcommand, in the order `--help` lists them. Add new commands here (one line each).
    static var subcommandList: [any ParsableCommand.Type] {
        [
            UpCommand.self,
            ServeCommand.self,
            NodeCommand.self,
            ApplyCommand.self,
            GetCommand.self,
            DescribeCommand.self,
            DeleteCommand.self,
            WaitCommand.self,
            LogsCommand.self,
            ExecCommand.self,
            PVCommand.self,
            VersionCommand.self,
            DriverCommand.self,
            BenchCommand.self,
        ]
    }
}

/// `stowage bench ...`: benchmarks whose figures the README reports.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: BenchCommand.benchList
    )
}
