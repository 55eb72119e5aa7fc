#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

// stowage-loop: the loop.stowage.dev driver. Serves until SIGTERM or SIGINT, then shuts down gracefully.
let usage = """
    usage: stowage-loop --endpoint unix:///PATH --state-dir DIR --node-id NAME [--no-direct-io]
                        [--release-timeout SECONDS]

      --endpoint      the driver's socket
      --state-dir     where backing files (volumes/loop), snapshots and node records live
      --node-id       the node name NodeGetInfo reports
      --no-direct-io  attach loop devices with buffered I/O instead of LO_FLAGS_DIRECT_IO
      --release-timeout
                      how long NodeUnstageVolume waits for another user of a loop device (a mount
                      namespace with a copy of the mount, a process with the device open) to let it
                      go before failing with their names (default 10)
    """
let commandLine = DriverCommandLine.main(usage: usage, driverOptions: ["release-timeout"], driverFlags: ["no-direct-io"])

let driver: LoopDriver
let server: DriverServer
do {
    driver = try LoopDriver(stateDirectory: commandLine.stateDirectory, nodeID: commandLine.nodeID,
                            directIO: !commandLine.flags.contains("no-direct-io"),
                            releaseTimeout: try LoopDriver.releaseTimeout(commandLine))
    server = try DriverServer(driver: driver, endpoint: commandLine.endpoint)
    try server.start()
} catch {
    FileHandle.standardError.write(Data("stowage-loop: \(error)\n".utf8))
    exit(1)
}

let (stop, stopContinuation) = AsyncStream<Int32>.makeStream()
let signalSources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { stopContinuation.yield(number) }
    source.resume()
    return source
}
for await _ in stop { break }
await server.shutdown()
withExtendedLifetime(signalSources) {}
exit(0)
