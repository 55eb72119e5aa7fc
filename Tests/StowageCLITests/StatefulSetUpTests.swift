import Foundation
import StowageLinux
import Testing

/// The main job: `stowage up -f examples/statefulset-web.yaml` brings up the documentation's `web` set and prints
/// the commands that prove persistence; run as printed, they show web-1 back on its own data.
extension CLITests {
@Suite("stowage up with the web StatefulSet",
       .enabled(if: geteuid() == 0 && CommandRunner.executable != nil, "needs root (the node agent mounts) and the built stowage binaries"))
struct StatefulSetUpTests {
    static var example: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/statefulset-web.yaml").path
    }

    @Test func theWebExampleConvergesAndItsProofCommandsShowPersistence() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let up = try cli.start(["up", "-f", Self.example, "--listen-address", "127.0.0.1:0", "--drivers", "hostpath", "--node-name", "up-node"])
        defer {
            up.terminate()
            up.waitUntilExit()
        }
        let output = up.standardOutput!
        var seen = ""
        let deadline = Date().addingTimeInterval(90)
        while !seen.contains("pod/web-2 modified (Running)"), Date() < deadline {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("statefulset.apps/web created"), "\(seen)")
        #expect(seen.contains("pod/web-2 modified (Running)"), "pods and claims are shown converging: \(seen)")
        #expect(seen.contains("persistentvolumeclaim/www-web-2"), "\(seen)")

        // The printed proof, run as printed (with this test's state directory).
        let proof = seen.split(separator: "\n").filter { $0.hasPrefix("  stowage ") }.map { String($0.dropFirst(2)) }
        #expect(proof.count == 3, "\(seen)")
        guard proof.count == 3 else { return }
        let state = " --state-dir \(cli.stateDirectory)"
        func shell(_ line: String) async throws -> CommandRunner.Result {
            let withState = line.replacingOccurrences(of: "stowage ", with: "\(CommandRunner.executable ?? "stowage") ")
                .replacingOccurrences(of: " -- ", with: "\(state) -- ")
                .replacingOccurrences(of: " && ", with: "\(state) && ")
                .replacingOccurrences(of: " --for=", with: "\(state) --for=")
            return try await onOwnThread { try Self.run("/bin/sh", "-c", withState) }
        }
        let before = try await shell(proof[0])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("index.html\nweb-1 "), "\(before.stdout)")
        let recreated = try await shell(proof[1])
        #expect(recreated.status == 0, "\(recreated.stdout)\(recreated.stderr)")
        let after = try await shell(proof[2])
        let lines = after.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("web-1 ") }, "web-1 came back to its own volume: \(after.stdout)\(after.stderr)")

        // Deleting the set takes its pods with it (their containers stop and their volumes are unmounted).
        #expect(try await cli.run(["delete", "statefulset", "web"]).status == 0)
        let podsGone = try await cli.run(["wait", "pod/web-0", "pod/web-1", "pod/web-2", "--for=delete", "--timeout=60s"])
        #expect(podsGone.status == 0, "\(podsGone.stderr)")
        let directoryGone = Date().addingTimeInterval(30)
        while !((try? FileManager.default.contentsOfDirectory(atPath: cli.stateDirectory + "/pods")) ?? []).isEmpty, Date() < directoryGone {
            usleep(20_000)
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.stateDirectory + "/pods")) ?? []).isEmpty)
    }

    /// On a terminal `up` shows the set, its pods and its claims as one view redrawn in place (through `script`,
    /// which gives it a pseudo-terminal).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) from util-linux for a terminal"))
    func onATerminalTheSetConvergesInALiveView() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let node = "tty-\(UUID().uuidString.prefix(8).lowercased())"
        // An 80-column terminal: the claims' table is wider, so its rows are cut to fit (a wrapped row would break the redraw).
        let command = "stty cols 80 rows 40; exec \(CommandRunner.executable ?? "stowage") up -f \(Self.example) --state-dir \(cli.stateDirectory) "
            + "--listen-address 127.0.0.1:0 --drivers hostpath --node-name \(node)"
        let up = try PipedProcess.start("/usr/bin/script", arguments: ["-qfec", command, "/dev/null"], error: .null)
        let output = up.standardOutput!
        defer {
            _ = try? Self.run("/usr/bin/pkill", "-TERM", "-f", "node-name \(node)")
            up.waitUntilExit()
        }
        let seen = try await onOwnThread { () -> String in
            var seen = ""
            let deadline = Date().addingTimeInterval(90)
            func converged() -> Bool {
                seen.contains("statefulset/web  READY 3/3") && seen.range(of: #"web-2\s+1/1\s+Running"#, options: .regularExpression) != nil
            }
            while !converged(), Date() < deadline {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                seen += String(decoding: chunk, as: UTF8.self)
            }
            return seen
        }
        #expect(seen.contains("statefulset/web  READY 3/3  UPDATED 3  REVISION web-"), "\(seen)")
        #expect(seen.contains("www-web-2"), "the set's claims are in the view: \(seen.suffix(2000))")
        let claimRows = seen.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("www-web-") }
        #expect(!claimRows.isEmpty && claimRows.allSatisfy { $0.count < 80 }, "rows fit the terminal: \(claimRows)")
        #expect(seen.range(of: #"web-2\s+1/1\s+Running"#, options: .regularExpression) != nil, "its pods too: \(seen.suffix(2000))")
        #expect(seen.contains("StatefulSet web: web-1 keeps its claim www-web-1"), "the persistence proof is printed first")
        #expect(seen.contains("\u{1B}[J"), "the view is redrawn in place: \(seen.debugDescription.suffix(2000))")
        #expect(!seen.contains("pod/web-2 modified"), "no line-per-change output on a terminal")
        #expect(!seen.contains(" info stowage.controllers"), "no info log lines inside the view: \(seen.suffix(2000))")

        #expect(try await cli.run(["delete", "statefulset", "web"]).status == 0)
        let podsGone = try await cli.run(["wait", "pod/web-0", "pod/web-1", "pod/web-2", "--for=delete", "--timeout=60s"])
        #expect(podsGone.status == 0, "\(podsGone.stderr)")
        let directoryGone = Date().addingTimeInterval(30)
        while !((try? FileManager.default.contentsOfDirectory(atPath: cli.stateDirectory + "/pods")) ?? []).isEmpty, Date() < directoryGone {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static let kubectlWeb = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web}
        spec:
          serviceName: nginx
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - {name: app, image: busybox, command: [sh, -c, 'hostname >> /data/log; sleep 3600'], volumeMounts: [{name: www, mountPath: /data}]}
          volumeClaimTemplates:
          - metadata: {name: www}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 16Mi}}}
        """

    @Test func theSameScenarioDrivenWithKubectl() async throws {
        guard ServerProcess.kubectlPath != nil else { return }
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli, extraArguments: ["--drivers", "hostpath", "--node-name", "kubectl-node"]) }
        defer { server.stop() }
        func kubectl(_ arguments: String...) async throws -> CommandRunner.Result { try await server.kubectl(arguments) }
        func readyReplicas(_ count: Int) async throws {
            let waited = try await kubectl("wait", "sts/web", "--for=jsonpath={.status.readyReplicas}=\(count)", "--timeout=90s")
            #expect(waited.status == 0, "\(waited.stderr)")
        }
        func log(_ pod: String, lines: Int) async throws -> String {
            var text = ""
            for _ in 0..<200 {
                text = try await kubectl("exec", pod, "--", "cat", "/data/log").stdout
                if text.split(separator: "\n").count >= lines { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            return text
        }

        #expect(try await kubectl("apply", "-f", try cli.file("web.yaml", Self.kubectlWeb)).stdout == "statefulset.apps/web created\n")
        try await readyReplicas(3)
        let table = try await kubectl("get", "sts", "web")
        #expect(table.stdout.contains("3/3"), "\(table.stdout)")
        #expect(try await log("web-1", lines: 1) == "web-1\n")

        let uid = try await kubectl("get", "pod", "web-1", "-o", "jsonpath={.metadata.uid}").stdout
        #expect(try await kubectl("delete", "pod", "web-1").status == 0)
        var newUID = ""
        for _ in 0..<600 {
            let current = try await kubectl("get", "pod", "web-1", "-o", "jsonpath={.metadata.uid} {.status.phase}").stdout
            if !current.hasPrefix(uid), current.hasSuffix(" Running") { newUID = current; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!newUID.isEmpty, "web-1 came back Running under a new uid")
        #expect(try await log("web-1", lines: 2) == "web-1\nweb-1\n")

        #expect(try await kubectl("scale", "sts", "web", "--replicas=1").stdout == "statefulset.apps/web scaled\n")
        let scaledDown = try await kubectl("wait", "pod/web-1", "pod/web-2", "--for=delete", "--timeout=90s")
        #expect(scaledDown.status == 0, "\(scaledDown.stderr)")
        let claims = try await kubectl("get", "pvc", "-o", "name")
        #expect(claims.stdout == "persistentvolumeclaim/www-web-0\npersistentvolumeclaim/www-web-1\npersistentvolumeclaim/www-web-2\n")
        #expect(try await kubectl("scale", "sts", "web", "--replicas=3").status == 0)
        try await readyReplicas(3)
        #expect(try await log("web-2", lines: 2) == "web-2\nweb-2\n")

        // A template change rolls out; kubectl follows it and lists the revisions. (With the defaulted
        // `rollingUpdate: {partition: 0}` kubectl words it as a partitioned roll out, as against Kubernetes.)
        #expect(try await kubectl("set", "env", "sts/web", "VERSION=2").stdout == "statefulset.apps/web env updated\n")
        let rollout = try await kubectl("rollout", "status", "sts/web", "--timeout=90s")
        #expect(rollout.status == 0 && rollout.stdout.contains("partitioned roll out complete: 3 new pods have been updated"),
                "\(rollout.stdout)\(rollout.stderr)")
        let history = try await kubectl("rollout", "history", "sts/web")
        #expect(history.status == 0 && history.stdout.contains("REVISION") && history.stdout.contains("\n1 ") && history.stdout.contains("\n2 "),
                "\(history.stdout)\(history.stderr)")
        #expect(try await log("web-0", lines: 2) == "web-0\nweb-0\n")

        #expect(try await kubectl("delete", "sts", "web").status == 0)
        let gone = try await kubectl("wait", "pod/web-0", "pod/web-1", "pod/web-2", "--for=delete", "--timeout=90s")
        #expect(gone.status == 0, "\(gone.stderr)")
    }

    static func run(_ arguments: String...) throws -> CommandRunner.Result {
        CommandRunner.Result(try PipedProcess.run(arguments[0], arguments: Array(arguments.dropFirst())))
    }
}
}
