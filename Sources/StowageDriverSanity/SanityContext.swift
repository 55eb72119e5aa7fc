import Foundation
import StowageCSI

/// The state one suite run shares between checks (the connection, the advertised capabilities, the run's
/// directories) and the state of the running check (its directories and clean-up actions).
///
/// Used by one task at a time: checks run one after another.
final class SanityContext {
    let configuration: SanityConfiguration
    let socketPath: String
    /// Parent directories for staging and target paths.
    let stagingRoot: String
    let targetRoot: String
    /// Distinguishes this run's volume names from any other run's.
    let runID: String

    /// Capabilities found at the start; `discoveryProblem` says why they could not be read.
    var pluginCapabilities: [PluginCapability] = []
    var controllerCapabilities: ControllerGetCapabilitiesResponse?
    var nodeCapabilities = NodeGetCapabilitiesResponse()
    var discoveryProblem: String?

    /// The publishContext of the running check's last ControllerPublishVolume, passed to stage and publish.
    var publishContext: [String: String] = [:]
    /// Volumes the running check has controller-published (PUBLISH_UNPUBLISH_VOLUME drivers).
    var controllerPublished: Set<String> = []

    private var connection: DriverConnection?
    // The running check.
    private(set) var checkIndex = 0
    private var counter = 0
    private var cleanups: [(what: String, action: () async throws -> Void)] = []

    init(configuration: SanityConfiguration, socketPath: String, stagingRoot: String, targetRoot: String) {
        self.configuration = configuration
        self.socketPath = socketPath
        self.stagingRoot = stagingRoot
        self.targetRoot = targetRoot
        self.runID = String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    // MARK: - Calls

    /// The current connection, opened on first use and again after a restart or a broken connection.
    func currentConnection() throws -> DriverConnection {
        if let connection { return connection }
        do {
            let opened = try DriverConnection.connect(path: socketPath)
            connection = opened
            return opened
        } catch {
            throw CheckFailure("cannot connect to the driver: \(error)")
        }
    }

    /// Drops the connection so the next call opens a new one.
    func disconnect() {
        connection?.close()
        connection = nil
    }

    /// Calls the driver: the response, or the driver's `CSIError`. A transport failure (hang-up, timeout,
    /// garbage) fails the check.
    func outcome<R: CSIRequest>(_ request: R) async throws -> Result<R.Response, CSIError> {
        let connection = try currentConnection()
        do {
            return .success(try await connection.call(R.method.rawValue, request, as: R.Response.self,
                                                      timeout: configuration.callTimeout))
        } catch let error as CSIError {
            return .failure(error)
        } catch {
            disconnect()
            throw CheckFailure("\(error)")
        }
    }

    /// Calls the driver and requires success; `step` says what the call was for in the failure reason.
    @discardableResult
    func ok<R: CSIRequest>(_ request: R, _ step: String = "") async throws -> R.Response {
        switch try await outcome(request) {
        case .success(let response): return response
        case .failure(let error):
            throw CheckFailure("\(R.method.rawValue)\(step.isEmpty ? "" : " (\(step))") failed: \(error.quoted); want OK")
        }
    }

    /// Calls the driver and requires one of `codes`; `because` is the rule, quoted in the failure reason.
    func fails<R: CSIRequest>(_ request: R, with codes: StatusCode..., because rule: String) async throws {
        let wanted = codes.map(\.name).joined(separator: " or ")
        switch try await outcome(request) {
        case .success:
            throw CheckFailure("\(R.method.rawValue) succeeded; want \(wanted): \(rule)")
        case .failure(let error) where codes.contains(error.code):
            return
        case .failure(let error):
            throw CheckFailure("\(R.method.rawValue) answered \(error.quoted); want \(wanted): \(rule)")
        }
    }

    /// The error message a request gets, or nil when it succeeds.
    func errorMessage(_ request: any CSIRequest) async throws -> String? {
        try await errorMessageOpened(request)
    }

    private func errorMessageOpened<R: CSIRequest>(_ request: R) async throws -> String? {
        if case .failure(let error) = try await outcome(request) { return error.message }
        return nil
    }

    // MARK: - Capabilities

    func hasController(_ type: ControllerServiceCapability.RPCType) -> Bool {
        controllerCapabilities?.has(type) ?? false
    }
    func hasNode(_ type: NodeServiceCapability.RPCType) -> Bool { nodeCapabilities.has(type) }
    var stages: Bool { hasNode(.stageUnstageVolume) }

    /// Skips the check unless the controller advertises `type`.
    func requireController(_ type: ControllerServiceCapability.RPCType) throws {
        try requireDiscovery()
        guard controllerCapabilities != nil else {
            throw CheckSkip("the driver does not advertise CONTROLLER_SERVICE")
        }
        guard hasController(type) else { throw CheckSkip("ControllerGetCapabilities does not advertise \(type)") }
    }

    /// Skips the check unless the node service advertises `type`.
    func requireNode(_ type: NodeServiceCapability.RPCType) throws {
        try requireDiscovery()
        guard hasNode(type) else { throw CheckSkip("NodeGetCapabilities does not advertise \(type)") }
    }

    func requireDiscovery() throws {
        if let discoveryProblem { throw CheckSkip("capabilities unknown: \(discoveryProblem)") }
    }

    // MARK: - Per-check bookkeeping

    /// Starts check number `index`: fresh directories, no clean-up actions yet.
    func beginCheck(_ index: Int) {
        checkIndex = index
        counter = 0
        cleanups = []
        publishContext = [:]
        controllerPublished = []
    }

    /// Registers an action that undoes something the check created; actions run last-registered first.
    func onCleanup(_ what: String, _ action: @escaping () async throws -> Void) {
        cleanups.append((what, action))
    }

    /// Runs every clean-up action, even after one fails; returns the failures.
    func runCleanups() async -> [String] {
        var problems: [String] = []
        while let (what, action) = cleanups.popLast() {
            do { try await action() } catch { problems.append("\(what): \(error)") }
        }
        return problems
    }

    /// A number unique within the run, for names and paths.
    func nextNumber() -> Int {
        counter += 1
        return counter
    }

    /// This check's directory under the staging root.
    var checkStagingDirectory: String { "\(stagingRoot)/check-\(checkIndex)" }
    /// This check's directory under the target root.
    var checkTargetDirectory: String { "\(targetRoot)/check-\(checkIndex)" }
}
