import Foundation

/// What `SanitySuite.run` checks and how: the driver's endpoint, where staging and target paths go, the
/// volume to ask for, and how to restart the driver for the restart checks.
///
/// ```swift
/// var configuration = SanityConfiguration(endpoint: "unix:///run/my-driver.sock")
/// configuration.volumeSize = 64 << 20
/// let report = await SanitySuite.run(configuration)
/// #expect(report.failedCount == 0, "\(report.failures)")
/// ```
public struct SanityConfiguration: Sendable {
    /// How volumes are accessed in the node checks.
    public enum AccessType: String, Sendable, CaseIterable {
        /// A mounted filesystem: targets are directories.
        case mount
        /// A raw block device: targets are regular files the device node is bind-mounted onto.
        case block
    }

    /// The driver's address, `unix:///absolute/path.sock`.
    public var endpoint: String
    /// Parent directory for staging paths (the caller-created directories of NodeStageVolume). `nil`: a fresh
    /// directory under /tmp, removed at the end.
    public var stagingDir: String?
    /// Parent directory for target paths (the driver creates each target inside it). `nil`: a fresh directory
    /// under /tmp, removed at the end.
    public var targetDir: String?
    /// `capacityRange.requiredBytes` of the volumes the checks create (default 1 MiB, enough for any driver
    /// that does not round up to a device size; the incompatible-size check asks for twice this).
    public var volumeSize: Int64
    /// Mount or block access for the node checks.
    public var accessType: AccessType
    /// StorageClass-style parameters passed to every CreateVolume.
    public var parameters: [String: String]
    /// A shell command (`/bin/sh -c`) that restarts the driver; the restart checks run it in the middle of
    /// lifecycles and wait for the socket to answer Probe again. `nil` with `restartHandler` also `nil`: the
    /// restart checks are skipped.
    public var restartCommand: String?
    /// In-process alternative to `restartCommand` for tests whose driver runs in the test process: stops the
    /// driver and starts it again (without waiting for it; the suite waits for Probe).
    public var restartHandler: (@Sendable () async throws -> Void)?
    /// How long one call may take before it counts as a hang (default 30 s).
    public var callTimeout: Duration
    /// How long the driver may take to answer Probe after a restart (default 30 s).
    public var restartTimeout: Duration
    /// Include the detail of every step in failure reasons and print progress to standard error.
    public var verbose: Bool

    /// A configuration with defaults for everything but the endpoint.
    public init(
        endpoint: String, stagingDir: String? = nil, targetDir: String? = nil, volumeSize: Int64 = 1 << 20,
        accessType: AccessType = .mount, parameters: [String: String] = [:], restartCommand: String? = nil,
        restartHandler: (@Sendable () async throws -> Void)? = nil, callTimeout: Duration = .seconds(30),
        restartTimeout: Duration = .seconds(30), verbose: Bool = false
    ) {
        self.endpoint = endpoint
        self.stagingDir = stagingDir
        self.targetDir = targetDir
        self.volumeSize = volumeSize
        self.accessType = accessType
        self.parameters = parameters
        self.restartCommand = restartCommand
        self.restartHandler = restartHandler
        self.callTimeout = callTimeout
        self.restartTimeout = restartTimeout
        self.verbose = verbose
    }

    /// Whether the restart checks can run.
    var canRestart: Bool { restartCommand != nil || restartHandler != nil }

    /// The socket path of `endpoint`, or a reason it is not a `unix://` address.
    func socketPath() -> Result<String, SanityConfigurationError> {
        let prefix = "unix://"
        guard endpoint.hasPrefix(prefix), endpoint.dropFirst(prefix.count).hasPrefix("/") else {
            return .failure(SanityConfigurationError(
                "endpoint \"\(endpoint)\" is not of the form unix:///absolute/path.sock"))
        }
        return .success(String(endpoint.dropFirst(prefix.count)))
    }
}

/// A configuration the suite cannot run with; the message says which value was wrong.
public struct SanityConfigurationError: Error, CustomStringConvertible, Sendable {
    /// What was wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
