import Foundation
import StowageAPI
import StowageClient
import StowageLinux
import StowageTesting
import Testing

@Suite("Pod runtime: containers run with their volumes", .enabled(if: NodeHost.canRun, NodeHost.reason))
struct PodRuntimeTests {
    /// A pod on the test node running `script` with `sh -c`, the volume `data` at `/data`.
    static func pod(_ name: String, script: String, volume: String, restartPolicy: String = "Always", extra: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: default}
        spec:
          nodeName: test-node
          restartPolicy: \(restartPolicy)
          terminationGracePeriodSeconds: 2
          containers:
          - name: app
            image: busybox
            command: [sh, -c, \(Self.quoted(script))]
            volumeMounts: [{name: data, mountPath: /data}]
        \(extra)
          volumes:
          - name: data
        \(volume)
        """
    }

    static let emptyDir = "    emptyDir: {}"
    static func claim(_ name: String) -> String { "    persistentVolumeClaim: {claimName: \(name)}" }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// Waits until `path` holds `text` (a file written by a container).
    static func waitForFile(_ path: String, contains text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var seen = ""
        while ContinuousClock.now < deadline {
            seen = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if seen.contains(text) { return seen }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestClusterError("\(path) did not come to contain \(text.debugDescription) within \(timeout); it holds \(seen.debugDescription)")
    }

    @Test func aRecreatedPodFindsWhatItsPredecessorWroteUnderItsHostname() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + NodeManifests.claim("www", storageClass: "loop"))
            let script = "echo $(hostname) >> /data/log; sleep 3600"
            try await cluster.apply(Self.pod("web-0", script: script, volume: Self.claim("www")))
            let first = try await cluster.waitForRunning("web-0")
            let target = cluster.target(of: first, driver: "loop.stowage.dev", volume: "data")
            _ = try await Self.waitForFile(target + "/log", contains: "web-0\n")
            #expect(!FileManager.default.fileExists(atPath: "/data/log"), "the host's /data is not created")

            try await cluster.deletePodAndWaitForTeardown(first)
            try await cluster.apply(Self.pod("web-0", script: script, volume: Self.claim("www")))
            let second = try await cluster.waitForRunning("web-0")
            #expect(second.metadata.uid != first.metadata.uid)
            let log = try await Self.waitForFile(cluster.target(of: second, driver: "loop.stowage.dev", volume: "data") + "/log", contains: "web-0\nweb-0\n")
            // Each run wrote its hostname into the same volume, once. (A CI run once showed a third line: another
            // container's stop swept this one's processes when the kernel reused a freed namespace's identifier.)
            let restarts = second.status?.containerStatuses?.map { $0.restartCount ?? 0 } ?? []
            #expect(log == "web-0\nweb-0\n", "restarts \(restarts)")
            try await cluster.deletePodAndWaitForTeardown(second)
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    /// Stopping a container sweeps what is left in its mount namespace. Once its last process is gone the kernel
    /// frees the namespace and gives its identifier to the next one created — a container starting meanwhile,
    /// which a sweep comparing identifiers then killed (a CI run saw a container's command run twice).
    @Test func podsStoppingWhileOthersStartLeaveTheNewOnesRunning() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            let count = 8
            for round in 0..<2 {
                for index in 0..<count {
                    try await cluster.apply(Self.pod("old-\(round)-\(index)", script: "setsid sleep 3600 & exec sleep 3600", volume: Self.emptyDir))
                }
                var running: [Pod] = []
                for index in 0..<count { running.append(try await cluster.waitForRunning("old-\(round)-\(index)")) }
                let old = running
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<count {
                        group.addTask { try await cluster.deletePodAndWaitForTeardown(old[index]) }
                        group.addTask {
                            try await cluster.apply(Self.pod("new-\(round)-\(index)", script: "echo run >> /data/log; sleep 3600", volume: Self.emptyDir))
                        }
                    }
                    try await group.waitForAll()
                }
                // A killed container would be restarted after the 1 s back-off: give it the time to show.
                try await Task.sleep(for: .milliseconds(1500))
                for index in 0..<count {
                    let pod = try await cluster.waitForRunning("new-\(round)-\(index)")
                    let log = try await Self.waitForFile(cluster.target(of: pod, driver: "emptydir.stowage.dev", volume: "data") + "/log", contains: "run\n")
                    #expect(log == "run\n" && pod.status?.containerStatuses?.first?.restartCount == 0,
                            "new-\(round)-\(index): \(log.debugDescription), \(pod.status?.containerStatuses?.first?.lastState?.terminated.map { "last exit \($0.exitCode ?? 0)" } ?? "never terminated")")
                }
                for index in 0..<count {
                    try await cluster.deletePodAndWaitForTeardown(try await cluster.waitForRunning("new-\(round)-\(index)"))
                }
            }
        }
    }

    @Test func onFailureRestartsUntilTheCommandSucceeds() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            let script = "n=$(cat /data/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /data/n; [ $n -ge 3 ]"
            try await cluster.apply(Self.pod("retry", script: script, volume: Self.emptyDir, restartPolicy: "OnFailure"))
            let pod = try await cluster.waitFor(Pod.self, "default/retry", timeout: .seconds(60)) { $0.status?.phase == PodStatus.Phase.succeeded }
            let status = try #require(pod.status?.containerStatuses?.first)
            #expect(status.restartCount == 2)
            #expect(status.state?.terminated?.exitCode == 0)
            #expect(status.state?.terminated?.reason == "Completed")
            #expect(status.lastState?.terminated?.exitCode == 1)
            try await cluster.waitForDirectoryGone("\(cluster.podsDirectory)/\(pod.metadata.uid ?? "")")
        }
    }

    @Test func neverReportsTheExitCodeAndFails() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            try await cluster.apply(Self.pod("once", script: "echo bye; exit 3", volume: Self.emptyDir, restartPolicy: "Never"))
            let pod = try await cluster.waitFor(Pod.self, "default/once") { $0.status?.phase == PodStatus.Phase.failed }
            let terminated = try #require(pod.status?.containerStatuses?.first?.state?.terminated)
            #expect(terminated.exitCode == 3)
            #expect(terminated.reason == "Error")
            #expect(pod.status?.containerStatuses?.first?.restartCount == 0)
        }
    }

    @Test func anExecReadinessProbeDecidesReady() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            let probe = """
                    readinessProbe:
                      exec: {command: [test, -f, /data/ready]}
                      periodSeconds: 1
                      failureThreshold: 1
                """
            let manifest = Self.pod("probed", script: "sleep 3600", volume: Self.emptyDir)
                .replacingOccurrences(of: "    volumeMounts: [{name: data, mountPath: /data}]\n",
                                      with: "    volumeMounts: [{name: data, mountPath: /data}]\n" + probe + "\n")
            try await cluster.apply(manifest)
            let running = try await cluster.waitForRunning("probed")
            #expect(running.status?.condition(PodCondition.ConditionType.ready)?.status == "False", "not ready until the probe passes")
            let target = cluster.target(of: running, driver: "emptydir.stowage.dev", volume: "data")
            FileManager.default.createFile(atPath: target + "/ready", contents: nil)
            let ready = try await cluster.waitFor(Pod.self, "default/probed") { $0.status?.isReady == true }
            #expect(ready.status?.containerStatuses?.first?.ready == true)
            try await cluster.deletePodAndWaitForTeardown(ready)
        }
    }

    @Test func deletionSendsSIGTERMAndKillsAfterTheGracePeriod() async throws {
        try await withNode(drivers: [.emptydir, .hostpath]) { cluster in
            try await cluster.apply(NodeManifests.storageClass("dirs", provisioner: "hostpath.stowage.dev") + "---\n"
                                    + NodeManifests.claim("notes", storageClass: "dirs"))
            try await cluster.apply(Self.pod("polite", script: "trap 'echo term >> /data/log; exit 0' TERM; echo up >> /data/log; while true; do sleep 0.1; done",
                                             volume: Self.claim("notes")))
            try await cluster.apply(Self.pod("stubborn", script: "trap '' TERM; while true; do sleep 0.1; done", volume: Self.emptyDir))
            let polite = try await cluster.waitForRunning("polite")
            let stubborn = try await cluster.waitForRunning("stubborn")
            let log = cluster.target(of: polite, driver: "hostpath.stowage.dev", volume: "data") + "/log"
            _ = try await Self.waitForFile(log, contains: "up\n")
            let volumeDirectory = try #require(try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: cluster.boundVolumeName("notes"))).spec?.csi?.volumeHandle)
            try await cluster.deletePodAndWaitForTeardown(polite)
            let written = try String(contentsOfFile: "\(cluster.driverDirectory(.hostpath))/state/volumes/hostpath/\(volumeDirectory)/log", encoding: .utf8)
            #expect(written == "up\nterm\n", "the trap ran on SIGTERM")

            let started = ContinuousClock.now
            try await cluster.deletePodAndWaitForTeardown(stubborn)
            #expect(ContinuousClock.now - started >= .seconds(2), "SIGTERM ignored: killed after the 2 s grace period")
            #expect(cluster.mountsUnder(cluster.directory).isEmpty)
        }
    }

    @Test func aSubPathThroughASymlinkIsRefusedAndTheHostIsUntouched() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            try await cluster.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: escape, namespace: default}
                spec:
                  nodeName: test-node
                  restartPolicy: Never
                  initContainers:
                  - {name: plant, image: busybox, command: [ln, -s, /, /data/root], volumeMounts: [{name: data, mountPath: /data}]}
                  containers:
                  - name: app
                    image: busybox
                    command: [sh, -c, "touch /escaped/stowage-subpath-escape"]
                    volumeMounts: [{name: data, mountPath: /escaped, subPath: root}]
                  volumes:
                  - {name: data, emptyDir: {}}
                """)
            let pod = try await cluster.waitFor(Pod.self, "default/escape") { $0.status?.phase == PodStatus.Phase.failed }
            #expect(pod.status?.initContainerStatuses?.first?.state?.terminated?.exitCode == 0)
            #expect(pod.status?.containerStatuses?.first?.state?.terminated?.exitCode == 128, "the container never started")
            #expect(!FileManager.default.fileExists(atPath: "/stowage-subpath-escape"))
            let log = try String(contentsOfFile: "\(cluster.podsDirectory)/\(pod.metadata.uid ?? "")/containers/app/0.log", encoding: .utf8)
            #expect(log.contains("a subPath never follows one"), "\(log)")
        }
    }

    @Test func aRunningContainerDoesNotKeepAHostLoopDeviceAttached() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stowage-host-loop-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let image = directory + "/disk.img", mountPoint = directory + "/mnt"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try HostCommand.run("/usr/bin/truncate", "-s", "16M", image)
        try HostCommand.run("/usr/sbin/mkfs.ext4", "-q", "-F", image)
        try HostCommand.run("/usr/bin/mount", "-o", "loop", image, mountPoint)  // autoclear: detached with its last mount
        var mounted = true
        defer { if mounted { _ = try? HostCommand.run("/usr/bin/umount", mountPoint) } }
        try await withNode(drivers: [.emptydir]) { cluster in
            try await cluster.apply(Self.pod("bystander", script: "sleep 3600", volume: Self.emptyDir))
            let pod = try await cluster.waitForRunning("bystander")
            #expect(try HostCommand.run("/usr/sbin/losetup", "-j", image).contains(image), "attached while mounted")

            try HostCommand.run("/usr/bin/umount", mountPoint)
            mounted = false
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            var attached = try HostCommand.run("/usr/sbin/losetup", "-j", image)
            while attached.contains(image) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                attached = try HostCommand.run("/usr/sbin/losetup", "-j", image)
            }
            #expect(!attached.contains(image), "the running container holds no copy of the host's loop filesystem: \(attached)")
            try await cluster.deletePodAndWaitForTeardown(pod)
        }
    }

    @Test func aRestartedNodeAgentAdoptsRunningContainers() async throws {
        try await withNode(drivers: [.emptydir]) { cluster in
            try await cluster.apply(Self.pod("long", script: "sleep 3600", volume: Self.emptyDir))
            let pod = try await cluster.waitForRunning("long")
            let statePath = "\(cluster.podsDirectory)/\(pod.metadata.uid ?? "")/containers/app/state.json"
            let before = try String(contentsOfFile: statePath, encoding: .utf8)

            await cluster.stopNodeAgent()
            try await cluster.startNodeAgent()
            try await Task.sleep(for: .milliseconds(500))
            let after = try await cluster.waitForRunning("long")
            #expect(after.status?.containerStatuses?.first?.restartCount == 0, "the process kept running: not restarted")
            #expect(try String(contentsOfFile: statePath, encoding: .utf8) == before, "the same process (pid and start time)")
            try await cluster.deletePodAndWaitForTeardown(after)
        }
    }
}

extension TestCluster {
    /// The PV a claim in `default` is bound to, once it is.
    func boundVolumeName(_ claim: String) async throws -> String {
        let bound = try await waitFor(PersistentVolumeClaim.self, "default/\(claim)") { $0.status?.phase == "Bound" }
        return bound.spec?.volumeName ?? ""
    }

    func waitForDirectoryGone(_ path: String, timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while FileManager.default.fileExists(atPath: path) {
            guard ContinuousClock.now < deadline else { throw TestClusterError("\(path) still exists after \(timeout): \(mountsUnder(path))") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
