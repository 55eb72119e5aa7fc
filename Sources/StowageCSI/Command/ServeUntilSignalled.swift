import Dispatch
import Foundation
import StowageCSI

/// Serves `driver` on `endpoint` until SIGTERM or SIGINT, then shuts down gracefully (calls in flight finish):
/// the main loop of a driver executable.
///
/// ```swift
/// let line = DriverCommandLine.main(usage: "usage: my-driver --endpoint unix:///… --state-dir DIR --node-id NAME")
/// try await serveUntilSignalled(MyDriver(), endpoint: line.endpoint, name: "my-driver")
/// ```
public func serveUntilSignalled(_ driver: some Driver, endpoint: String, name: String) async throws {
    let server = try DriverServer(driver: driver, endpoint: endpoint)
    signal(SIGTERM, SIG_IGN)
    signal(SIGINT, SIG_IGN)
    let (signals, continuation) = AsyncStream<Int32>.makeStream()
    let sources = [SIGTERM, SIGINT].map { number in
        let source = DispatchSource.makeSignalSource(signal: number)
        source.setEventHandler { continuation.yield(number) }
        source.resume()
        return source
    }
    defer { sources.forEach { $0.cancel() } }
    try server.start()
    FileHandle.standardError.write(Data("\(name): serving \(endpoint)\n".utf8))
    for await number in signals {
        FileHandle.standardError.write(Data("\(name): signal \(number), shutting down\n".utf8))
        break
    }
    await server.shutdown(deadline: .seconds(10))
}
