import Foundation
import StowageCSI

/// The conformance suite: checks a running driver against every rule of the Stowage driver protocol
/// (spec/driver-protocol.md), grouped by service, and reports each check as passed, failed or skipped.
///
/// Usable from a driver's own tests:
/// ```swift
/// let report = await SanitySuite.run(SanityConfiguration(endpoint: "unix://\(socketPath)"))
/// #expect(report.failures.isEmpty, "\(report.text)")
/// ```
public enum SanitySuite {
    /// Every check's id and description, in the order they run.
    public static var checks: [(id: String, description: String)] { allChecks.map { ($0.id, $0.description) } }

    static var allChecks: [SanityCheck] {
        ProtocolChecks.all + IdentityChecks.all + ControllerChecks.all + NodeChecks.all + LifecycleChecks.all
            + RestartChecks.all
    }

    /// Runs every check against the driver at `configuration.endpoint`, one after another, and cleans up after
    /// each (volumes deleted, targets unpublished, anything left mounted under the staging and target
    /// directories unmounted). Directories the suite created itself are removed at the end.
    ///
    /// - Parameters:
    ///   - configuration: the endpoint and options.
    ///   - onResult: called after each check, in order (the CLI prints a line per check as it goes).
    /// - Returns: the report; it never throws: an unusable configuration is a failed `Setup/configuration`.
    public static func run(_ configuration: SanityConfiguration,
                           onResult: (@Sendable (SanityResult) -> Void)? = nil) async -> SanityReport {
        var results: [SanityResult] = []
        func record(_ result: SanityResult) {
            results.append(result)
            onResult?(result)
        }
        let socketPath: String
        switch configuration.socketPath() {
        case .success(let path): socketPath = path
        case .failure(let error):
            record(SanityResult(id: "Setup/configuration", description: "the configuration is usable",
                                outcome: .failed(reason: error.description)))
            return SanityReport(results: results)
        }
        var createdDirectories: [String] = []
        func directory(_ given: String?, _ label: String) -> String? {
            if let given {
                try? FileManager.default.createDirectory(atPath: given, withIntermediateDirectories: true)
                return given
            }
            let path = "/tmp/stowage-sanity-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            guard (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil
            else { return nil }
            createdDirectories.append(path)
            return path
        }
        guard let stagingRoot = directory(configuration.stagingDir, "staging"),
              let targetRoot = directory(configuration.targetDir, "target") else {
            record(SanityResult(id: "Setup/configuration", description: "the configuration is usable",
                                outcome: .failed(reason: "cannot create the staging or target directory under /tmp")))
            return SanityReport(results: results)
        }
        let context = SanityContext(configuration: configuration, socketPath: socketPath,
                                    stagingRoot: stagingRoot, targetRoot: targetRoot)
        do {
            try await context.waitForProbe("at start")
        } catch {
            let reason = (error as? CheckFailure)?.reason ?? "\(error)"
            record(SanityResult(id: "Setup/driver-ready", description: "the driver answers Probe on its socket",
                                outcome: .failed(reason: reason)))
            for check in allChecks {
                record(SanityResult(id: check.id, description: check.description,
                                    outcome: .skipped(reason: "the driver is not reachable")))
            }
            for path in createdDirectories { HostPaths.removeTree(path) }
            return SanityReport(results: results)
        }
        await discover(context)
        for (index, check) in allChecks.enumerated() {
            record(await run(check, index: index + 1, in: context))
        }
        context.disconnect()
        for path in createdDirectories { HostPaths.removeTree(path) }
        return SanityReport(results: results)
    }

    /// Runs one check with its clean-up and the sweep of its directories.
    static func run(_ check: SanityCheck, index: Int, in context: SanityContext) async -> SanityResult {
        let started = ContinuousClock.now
        context.beginCheck(index)
        var outcome: SanityOutcome
        do {
            try await check.body(context)
            outcome = .passed
        } catch let failure as CheckFailure {
            outcome = .failed(reason: failure.reason)
        } catch let skip as CheckSkip {
            outcome = .skipped(reason: skip.reason)
        } catch {
            outcome = .failed(reason: "\(error)")
        }
        var problems = await context.runCleanups()
        for root in [context.checkTargetDirectory, context.checkStagingDirectory] {
            let leftovers = HostPaths.unmountAll(under: root)
            if !leftovers.isEmpty {
                problems.append("still mounted after clean-up (the suite unmounted them): "
                                + leftovers.joined(separator: ", "))
            }
            if let problem = HostPaths.removeTree(root) { problems.append(problem) }
        }
        if !problems.isEmpty {
            let text = "clean-up: " + problems.joined(separator: "; ")
            switch outcome {
            case .passed, .skipped: outcome = .failed(reason: text)
            case .failed(let reason): outcome = .failed(reason: reason + "; " + text)
            }
        }
        if context.configuration.verbose {
            FileHandle.standardError.write(Data("  [\(check.id)] \(check.description)\n".utf8))
        }
        return SanityResult(id: check.id, description: check.description, outcome: outcome,
                            duration: started.duration(to: .now))
    }

    /// Reads the capabilities every later check is gated on; a failure is kept to skip those checks with it.
    static func discover(_ context: SanityContext) async {
        do {
            let plugin = try await context.ok(GetPluginCapabilitiesRequest())
            context.pluginCapabilities = plugin.capabilities
            if plugin.capabilities.contains(.service(.controllerService)) {
                context.controllerCapabilities = try await context.ok(ControllerGetCapabilitiesRequest())
            }
            context.nodeCapabilities = try await context.ok(NodeGetCapabilitiesRequest())
        } catch {
            context.discoveryProblem = "\(error)"
            context.disconnect()
        }
    }
}
