import Foundation

/// The command line every Stowage driver accepts:
/// `--endpoint unix:///path.sock --state-dir DIR --node-id NAME [--name value | --flag ...]`.
///
/// ```swift
/// let line = try DriverCommandLine.parse(CommandLine.arguments.dropFirst(), driverOptions: ["base-dir"])
/// let base = line.options["base-dir"] ?? "/var/lib/stowage/hostpath"
/// ```
///
/// Errors say which argument was wrong; `DriverCommandLine.main` prints them with the usage and exits 2.
public struct DriverCommandLine: Sendable, Equatable {
    /// Where the driver listens, `unix:///…`.
    public var endpoint: String
    /// The driver's own directory for durable state; created (0700) if missing.
    public var stateDirectory: String
    /// The node this driver runs on; reported by NodeGetInfo.
    public var nodeID: String
    /// Driver-specific `--name value` options, keyed by name without dashes.
    public var options: [String: String]
    /// Driver-specific valueless `--flag` switches that were given.
    public var flags: Set<String>

    /// A command-line mistake, with the argument it concerns.
    public struct UsageError: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public init(endpoint: String, stateDirectory: String, nodeID: String,
                options: [String: String] = [:], flags: Set<String> = []) {
        self.endpoint = endpoint
        self.stateDirectory = stateDirectory
        self.nodeID = nodeID
        self.options = options
        self.flags = flags
    }

    /// Parses arguments (without the program name). `driverOptions` take a value (`--name v` or `--name=v`);
    /// `driverFlags` take none. Anything else is a `UsageError` naming it.
    public static func parse<S: Sequence>(_ arguments: S, driverOptions: Set<String> = [],
                                          driverFlags: Set<String> = []) throws -> DriverCommandLine
    where S.Element == String {
        let valued: Set<String> = driverOptions.union(["endpoint", "state-dir", "node-id"])
        var values: [String: String] = [:]
        var flags: Set<String> = []
        var iterator = Array(arguments).makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--"), argument.count > 2 else {
                throw UsageError("unexpected argument \"\(argument)\"; options start with --")
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if driverFlags.contains(name) {
                if inlineValue != nil { throw UsageError("--\(name) takes no value") }
                flags.insert(name)
                continue
            }
            guard valued.contains(name) else {
                let known = (valued.union(driverFlags)).sorted().map { "--\($0)" }.joined(separator: ", ")
                throw UsageError("unknown option --\(name) (known: \(known))")
            }
            guard let value = inlineValue ?? iterator.next(), !value.isEmpty else {
                throw UsageError("--\(name) needs a value")
            }
            if values[name] != nil { throw UsageError("--\(name) given twice") }
            values[name] = value
        }
        guard let endpoint = values.removeValue(forKey: "endpoint") else { throw UsageError("--endpoint is required (unix:///path/to/driver.sock)") }
        guard endpoint.hasPrefix("unix://"), endpoint.count > "unix://".count else {
            throw UsageError("--endpoint \"\(endpoint)\" must be unix:///path/to/socket")
        }
        guard let stateDirectory = values.removeValue(forKey: "state-dir") else { throw UsageError("--state-dir is required") }
        guard let nodeID = values.removeValue(forKey: "node-id") else { throw UsageError("--node-id is required") }
        return DriverCommandLine(endpoint: endpoint, stateDirectory: stateDirectory, nodeID: nodeID,
                                 options: values, flags: flags)
    }

    /// Parses `CommandLine.arguments`; on a mistake prints it and `usage` to stderr and exits with status 2.
    public static func main(usage: String, driverOptions: Set<String> = [], driverFlags: Set<String> = []) -> DriverCommandLine {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            exit(0)
        }
        do {
            return try parse(arguments, driverOptions: driverOptions, driverFlags: driverFlags)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n\n\(usage)\n".utf8))
            exit(2)
        }
    }
}
