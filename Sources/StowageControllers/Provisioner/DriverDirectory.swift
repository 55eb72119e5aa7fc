import Foundation
import Logging
import StowageCSI
import Synchronization

/// A driver this box can reach: its socket, its name (`GetPluginInfo`), the node it serves and that node's
/// topology (`NodeGetInfo`).
public struct RegisteredDriver: Sendable {
    public let name: String
    public let socket: String
    public let client: DriverClient
    public let nodeID: String
    public let topology: [String: String]
}

/// The drivers whose sockets are in a plugins directory (`<state-dir>/plugins/*.sock`): a socket that appears and
/// answers `GetPluginInfo` is registered under its driver name; one that disappears or stops answering is dropped.
/// The directory is scanned every `interval` (a driver appearing is noticed well within a second).
public final class DriverDirectory: Sendable {
    /// Where driver sockets are looked for.
    public let directory: String
    private let interval: Duration
    private let drivers = Mutex<[String: RegisteredDriver]>([:])
    private let handlers = Mutex<[@Sendable (String) -> Void]>([])
    private let dropHandlers = Mutex<[@Sendable (String) -> Void]>([])
    private let logger: Logger

    public init(directory: String, interval: Duration = .milliseconds(200), logger: Logger) {
        self.directory = directory
        self.interval = interval
        self.logger = logger
    }

    /// The registered driver named `name`, if its socket is up.
    public func driver(named name: String) -> RegisteredDriver? { drivers.withLock { $0[name] } }

    /// Names of the registered drivers.
    public var names: [String] { drivers.withLock { Array($0.keys).sorted() } }

    /// Calls `handler` with a driver's name each time one registers (from the scanning task; keep it short).
    public func onRegister(_ handler: @escaping @Sendable (String) -> Void) {
        handlers.withLock { $0.append(handler) }
    }

    /// Calls `handler` with a driver's name each time one is dropped (its socket gone).
    public func onUnregister(_ handler: @escaping @Sendable (String) -> Void) {
        dropHandlers.withLock { $0.append(handler) }
    }

    /// Scans until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await scan()
            try? await Task.sleep(for: interval)
        }
        for driver in drivers.withLock({ Array($0.values) }) { driver.client.close() }
    }

    /// One pass: registers new sockets, drops vanished ones.
    public func scan() async {
        let sockets = Set(((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".sock") }.map { "\(directory)/\($0)" })
        let known = drivers.withLock { $0 }
        for (name, driver) in known where !sockets.contains(driver.socket) {
            drivers.withLock { _ = $0.removeValue(forKey: name) }
            driver.client.close()
            logger.info("driver gone", metadata: ["driver": "\(name)", "socket": "\(driver.socket)"])
            for handler in dropHandlers.withLock({ $0 }) { handler(name) }
        }
        let registeredSockets = Set(known.values.map(\.socket))
        for socket in sockets.sorted() where !registeredSockets.contains(socket) {
            guard let driver = await Self.connect(socket) else { continue }
            // Two scans at once (the loop and a caller's) may both connect: the first to register wins.
            let registered = drivers.withLock { drivers -> Bool in
                if drivers.values.contains(where: { $0.socket == socket }) { return false }
                drivers[driver.name] = driver
                return true
            }
            guard registered else {
                driver.client.close()
                continue
            }
            logger.info("driver registered", metadata: ["driver": "\(driver.name)", "socket": "\(socket)", "node": "\(driver.nodeID)"])
            for handler in handlers.withLock({ $0 }) { handler(driver.name) }
        }
    }

    private static func connect(_ socket: String) async -> RegisteredDriver? {
        guard let client = try? DriverClient(endpoint: "unix://" + socket,
                                             configuration: DriverClient.Configuration(timeout: .seconds(120), connections: 4)) else { return nil }
        do {
            let info = try await client.getPluginInfo(timeout: .seconds(2))
            let node = try await client.nodeGetInfo(timeout: .seconds(2))
            return RegisteredDriver(name: info.name, socket: socket, client: client, nodeID: node.nodeId,
                                    topology: node.accessibleTopology?.segments ?? [:])
        } catch {
            client.close()
            return nil
        }
    }
}
