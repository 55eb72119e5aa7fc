import Testing
import StowageCSI

@Suite struct DriverCommandLineTests {
    @Test func parsesCommonAndDriverOptions() throws {
        let line = try DriverCommandLine.parse(
            ["--endpoint", "unix:///tmp/d.sock", "--state-dir=/var/lib/d", "--node-id", "n1", "--base-dir", "/srv", "--debug"],
            driverOptions: ["base-dir"], driverFlags: ["debug"])
        #expect(line == DriverCommandLine(endpoint: "unix:///tmp/d.sock", stateDirectory: "/var/lib/d", nodeID: "n1",
                                          options: ["base-dir": "/srv"], flags: ["debug"]))
    }

    @Test(arguments: [
        (["--state-dir", "/s", "--node-id", "n"], "--endpoint is required"),
        (["--endpoint", "tcp://x", "--state-dir", "/s", "--node-id", "n"], "must be unix:///"),
        (["--endpoint", "unix:///a", "--state-dir", "/s", "--node-id", "n", "--bogus", "1"], "unknown option --bogus"),
        (["--endpoint", "unix:///a", "--state-dir"], "--state-dir needs a value"),
        (["--endpoint", "unix:///a", "--endpoint", "unix:///b"], "--endpoint given twice"),
        (["stray"], "unexpected argument \"stray\""),
    ])
    func rejectsMistakesNamingTheArgument(arguments: [String], message: String) {
        #expect {
            try DriverCommandLine.parse(arguments)
        } throws: { error in
            "\(error)".contains(message)
        }
    }
}
