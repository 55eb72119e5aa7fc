import Foundation
import StowageCSI
import Testing
@testable import StowageDriverSanity

/// Deliberately broken variants of the in-test driver: exactly the checks for the broken rule fail, with a
/// reason that names the call and the answer, and the failure does not cascade into other checks.
@Suite(.serialized, .enabled(if: TestCleanup.isRoot, "the node checks bind-mount: run the tests as root"))
struct BrokenDriverTests {
    func run(_ breakage: Breakage, persistent: Bool = true) async throws -> SanityReport {
        let harness = try DriverHarness(breakage: breakage, persistent: persistent)
        let report = await SanitySuite.run(harness.configuration())
        await harness.tearDown()
        #expect(TestCleanup.mountPoints(under: harness.directory).isEmpty)
        return report
    }

    func reason(_ report: SanityReport, _ id: String) -> String {
        if case .failed(let reason) = report.result(id)?.outcome { return reason }
        return "not failed: \(String(describing: report.result(id)?.outcome))"
    }

    @Test func unstagingANeverStagedVolumeWithNotFoundFails() async throws {
        let report = try await run(.unstageNeverStagedNotFound)
        // The repeated lifecycle unstages twice, and the second unstage meets the same bug.
        #expect(Set(report.failures.map(\.id)) == ["Node/unstage-never-staged", "Lifecycle/repeated"], "\(report.text)")
        let text = reason(report, "Node/unstage-never-staged")
        #expect(text.hasPrefix("NodeUnstageVolume (the volume exists but is not staged there: nothing to do is OK) "
                               + "failed: NOT_FOUND"), "\(text)")
        #expect(text.hasSuffix("; want OK"), "\(text)")
        #expect(reason(report, "Lifecycle/repeated").hasPrefix("NodeUnstageVolume (repeated) failed: NOT_FOUND"))
    }

    @Test func aTargetThatCannotBeWrittenFailsTheDataCheck() async throws {
        let report = try await run(.publishesReadOnly)
        #expect(report.failures.map(\.id).contains("Lifecycle/data-persists"), "\(report.text)")
        let text = reason(report, "Lifecycle/data-persists")
        #expect(text.hasPrefix("cannot create ") && text.hasSuffix("/sanity-data.txt in the published target: Read-only file system"),
                "\(text)")
    }

    @Test func lookingUpBeforeCheckingArgumentsFails() async throws {
        let report = try await run(.lookupBeforeArgumentCheck)
        #expect(Set(report.failures.map(\.id)) == ["Node/publish-missing-target-path", "Node/publish-missing-capability"],
                "\(report.text)")
        let text = reason(report, "Node/publish-missing-target-path")
        #expect(text.hasPrefix("NodePublishVolume answered NOT_FOUND"), "\(text)")
        #expect(text.hasSuffix("want INVALID_ARGUMENT: targetPath is required, checked before the lookup"), "\(text)")
    }

    @Test func aDriverKeepingStateOnlyInMemoryFailsTheRestartChecks() async throws {
        let report = try await run([], persistent: false)
        #expect(Set(report.failures.map(\.id)) == ["Restart/after-create", "Restart/after-stage", "Restart/after-publish"],
                "\(report.text)")
        #expect(reason(report, "Restart/after-create").contains("after the restart CreateVolume returned"))
        #expect(reason(report, "Restart/after-stage")
                .hasPrefix("NodeStageVolume (identical, after the restart) failed: NOT_FOUND"))
        #expect(reason(report, "Restart/after-publish").contains("NOT_FOUND"))
    }

    @Test func leavingTheTargetBehindFails() async throws {
        let report = try await run(.leavesTarget)
        #expect(report.result("Node/unpublish-removes-target")?.outcome != .passed)
        #expect(reason(report, "Node/unpublish-removes-target").contains("is still there (a directory)"))
        #expect(reason(report, "Lifecycle/full").contains("the driver must remove the target it created"))
    }

    @Test func publishingWithoutTheStagingPathFails() async throws {
        let report = try await run(.publishWithoutStaging)
        #expect(Set(report.failures.map(\.id)) == ["Node/publish-without-staging-path"], "\(report.text)")
        #expect(reason(report, "Node/publish-without-staging-path")
                .hasPrefix("NodePublishVolume succeeded; want FAILED_PRECONDITION"))
    }
}
