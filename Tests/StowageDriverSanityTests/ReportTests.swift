import Foundation
import Testing
@testable import StowageDriverSanity

/// The report's text and JUnit forms, the name rule, and bad configurations.
struct ReportTests {
    let report = SanityReport(results: [
        SanityResult(id: "Identity/probe", description: "Probe answers", outcome: .passed),
        SanityResult(id: "Node/publish-idempotent", description: "repeat <ok>",
                     outcome: .failed(reason: "NodePublishVolume failed: ALREADY_EXISTS (\"a & b\"); want OK")),
        SanityResult(id: "Restart/after-stage", description: "restart", outcome: .skipped(reason: "no restart command")),
    ])

    @Test func linesAndSummary() {
        #expect(report.text == """
            PASS Identity/probe
            FAIL Node/publish-idempotent: NodePublishVolume failed: ALREADY_EXISTS ("a & b"); want OK
            SKIP Restart/after-stage: no restart command
            1 passed, 1 failed, 1 skipped

            """)
        #expect(!report.succeeded)
    }

    @Test func junitGroupsByServiceAndEscapes() {
        let xml = report.junitXML(name: "dir")
        #expect(xml.contains(#"<testsuites name="dir" tests="3" failures="1" skipped="1""#))
        #expect(xml.contains(#"<testsuite name="Node" tests="1" failures="1" skipped="0""#))
        #expect(xml.contains(#"<testcase classname="Node" name="publish-idempotent""#))
        #expect(xml.contains("failure message=\"NodePublishVolume failed: ALREADY_EXISTS (&quot;a &amp; b&quot;); want OK\""))
        #expect(xml.contains(#"<skipped message="no restart command"/>"#))
        #expect(xml.contains("repeat &lt;ok&gt;"))
    }

    @Test(arguments: [
        ("hostpath.stowage.dev", nil),
        ("ab", "has 2 characters; want 3 to 63"),
        (String(repeating: "a", count: 64), "has 64 characters; want 3 to 63"),
        ("1dir.example.dev", "must start and end with a letter"),
        ("dir.example.dev.", "must start and end with a letter"),
        ("dir_example.dev", "contains \"_\"; want only letters, digits, '-' and '.'"),
        ("dir..example", "has an empty or dash-edged label; want domain-name style like hostpath.stowage.dev"),
    ] as [(String, String?)])
    func pluginNameRule(name: String, problem: String?) {
        #expect(IdentityChecks.nameProblem(name) == problem)
    }

    @Test func anEndpointThatIsNotUnixFailsSetup() async {
        let report = await SanitySuite.run(SanityConfiguration(endpoint: "tcp://127.0.0.1:1"))
        #expect(report.results.map(\.id) == ["Setup/configuration"])
        #expect(report.failures.first?.outcome
                == .failed(reason: "endpoint \"tcp://127.0.0.1:1\" is not of the form unix:///absolute/path.sock"))
    }

    @Test func aDriverThatIsNotRunningFailsOnceAndSkipsTheRest() async {
        var configuration = SanityConfiguration(endpoint: "unix:///tmp/stowage-sanity-nobody-\(getpid()).sock")
        configuration.restartTimeout = .milliseconds(200)
        let report = await SanitySuite.run(configuration)
        #expect(report.failedCount == 1)
        #expect(report.results.first?.id == "Setup/driver-ready")
        #expect(report.skippedCount == SanitySuite.checks.count)
    }
}
