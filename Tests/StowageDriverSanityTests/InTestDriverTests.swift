import Foundation
import StowageCSI
import Testing
@testable import StowageDriverSanity

/// The suite against a driver built with the SDK that follows every rule: nothing fails, and the checks that
/// need capabilities it does not advertise are skipped with a reason.
@Suite(.serialized, .enabled(if: TestCleanup.isRoot, "the node checks bind-mount: run the tests as root"))
struct InTestDriverTests {
    @Test func aConformingDriverPassesEveryApplicableCheck() async throws {
        let harness = try DriverHarness()
        let report = await SanitySuite.run(harness.configuration())
        await harness.tearDown()
        #expect(report.failures.isEmpty, "\(report.text)")
        #expect(report.passedCount > 40)
        #expect(report.result("Restart/after-publish")?.outcome == .passed)
        #expect(report.result("Node/publish-without-staging-path")?.outcome == .passed)
        #expect(report.result("Controller/list-volumes-pagination")?.outcome
                == .skipped(reason: "ControllerGetCapabilities does not advertise LIST_VOLUMES"))
        #expect(report.results.count == SanitySuite.checks.count)
        #expect(TestCleanup.mountPoints(under: harness.directory).isEmpty)
    }

    @Test(.enabled(if: TestDirectoryDriver.blockDevice != nil, "no block device node to bind-mount"))
    func blockAccessPublishesABlockDeviceOntoAFile() async throws {
        let harness = try DriverHarness()
        var configuration = harness.configuration()
        configuration.accessType = .block
        let report = await SanitySuite.run(configuration)
        await harness.tearDown()
        #expect(report.failures.isEmpty, "\(report.text)")
        #expect(report.result("Node/publish-creates-target")?.outcome == .passed)
        #expect(report.result("Lifecycle/full")?.outcome == .passed)
        #expect(report.result("Node/publish-readonly")?.outcome
                == .skipped(reason: "read-only mounts are checked with --access-type mount"))
    }

    @Test func aDriverWithoutStagingPassesAndTheStagingChecksAreSkipped() async throws {
        let harness = try DriverHarness(breakage: .noStaging)
        let report = await SanitySuite.run(harness.configuration())
        await harness.tearDown()
        #expect(report.failures.isEmpty, "\(report.text)")
        for id in ["Node/stage-idempotent", "Node/publish-without-staging-path", "Restart/after-stage"] {
            #expect(report.result(id)?.outcome == .skipped(reason: "NodeGetCapabilities does not advertise STAGE_UNSTAGE_VOLUME"))
        }
        #expect(report.result("Restart/after-publish")?.outcome == .passed)
        #expect(report.result("Lifecycle/repeated")?.outcome == .passed)
    }

    @Test func withoutARestartMethodTheRestartChecksAreSkipped() async throws {
        let harness = try DriverHarness()
        var configuration = harness.configuration()
        configuration.restartHandler = nil
        let report = await SanitySuite.run(configuration)
        await harness.tearDown()
        for id in ["Restart/after-create", "Restart/after-stage", "Restart/after-publish"] {
            #expect(report.result(id)?.outcome == .skipped(reason: "no restart command given (--restart-command)"))
        }
    }
}
