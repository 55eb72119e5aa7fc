import Foundation
import StowageCSI
import StowageLinux

let usage = """
    usage: stowage-hostpath --endpoint unix:///PATH --state-dir DIR --node-id NAME [--base-dir DIR] [--allowed-host-paths DIR,DIR]

    Serves hostpath.stowage.dev: dynamic volumes are directories under --base-dir (default <state-dir>/volumes);
    static hostPath volumes are allowed only under --allowed-host-paths (default: the base directory).
    """
let commandLine = DriverCommandLine.main(usage: usage, driverOptions: ["base-dir", "allowed-host-paths"])
let stateDirectory = commandLine.stateDirectory
let baseDirectory = commandLine.options["base-dir"] ?? stateDirectory + "/volumes"
do {
    try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    try FileManager.default.createDirectory(atPath: baseDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
    let allowed = (commandLine.options["allowed-host-paths"]?.split(separator: ",").map { ($0.trimmingCharacters(in: .whitespaces) as NSString).standardizingPath } ?? [])
        + [(baseDirectory as NSString).standardizingPath]
    let driver = HostPathDriver(state: try HostPathState(stateDirectory: stateDirectory), baseDirectory: baseDirectory,
                                nodeID: commandLine.nodeID, staticPaths: StaticHostPaths(allowedPrefixes: allowed))
    let server = try DriverServer(driver: driver, endpoint: commandLine.endpoint)
    try server.start()
    // Until SIGTERM or SIGINT; then stop accepting and let calls in flight finish (briefly).
    let signalSources = [SIGTERM, SIGINT].map { signalNumber -> DispatchSourceSignal in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .main)
        source.setEventHandler {
            Task {
                await server.shutdown(deadline: .seconds(2))
                exit(0)
            }
        }
        source.resume()
        return source
    }
    withExtendedLifetime(signalSources) { dispatchMain() }
} catch {
    FileHandle.standardError.write(Data("stowage-hostpath: \(error)\n".utf8))
    exit(1)
}
