import Foundation
import StowageAPI
import StowageClient
import StowageJSON
import StowageTesting
import Testing

@Suite("StatefulSets: stable per-ordinal claims", .enabled(if: NodeHost.canRun, NodeHost.reason))
struct StatefulSetTests {
    /// The `web` set: each pod appends its hostname to `/data/log` in its own `www` claim, then sleeps.
    static func web(replicas: Int, storageClass: String, extra: String = "", probe: String = "") -> String {
        """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web, namespace: default}
        spec:
          serviceName: nginx
          replicas: \(replicas)
          selector: {matchLabels: {app: web}}
        \(extra)
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: nginx
                image: registry.k8s.io/nginx-slim:0.24
                command: [sh, -c, 'echo $(hostname) >> /data/log; sleep 3600']
                volumeMounts: [{name: www, mountPath: /data}]
        \(probe)
          volumeClaimTemplates:
          - metadata: {name: www}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: \(storageClass)
              resources: {requests: {storage: 16Mi}}
        """
    }

    static func scale(_ cluster: TestCluster, to replicas: Int) async throws {
        _ = try await cluster.cluster.patch(StatefulSet.self, ObjectKey(namespace: "default", name: "web"),
                                            .merge(try JSONParser.parse(#"{"spec":{"replicas":\#(replicas)}}"#)))
    }

    static func readyReplicas(_ cluster: TestCluster, _ count: Int32) async throws -> StatefulSet {
        try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) {
            $0.status?.readyReplicas == count && $0.status?.replicas == count
        }
    }

    /// The log in `podName`'s volume once it holds at least `runs` lines.
    func log(_ cluster: TestCluster, _ podName: String, runs: Int = 1) async throws -> String {
        let pod = try await cluster.waitForRunning(podName)
        let path = cluster.target(of: pod, driver: "loop.stowage.dev", volume: "www") + "/log"
        return try await PodRuntimeTests.waitForFile(path, contains: String(repeating: "\(podName)\n", count: runs))
    }

    /// Whether `text` is exactly `runs` lines of `podName` (each run of the pod wrote its own name once); the
    /// restart counts go into the failure message.
    func isOwnLog(_ text: String, of podName: String, runs: Int, cluster: TestCluster) async -> (Bool, String) {
        let lines = text.split(separator: "\n")
        let pod = try? await cluster.cluster.get(Pod.self, ObjectKey(namespace: "default", name: podName))
        let restarts = pod?.status?.containerStatuses?.map { "\($0.name ?? ""): \($0.restartCount ?? 0) restarts" } ?? []
        return (lines.count == runs && lines.allSatisfy { $0 == podName }, "\(text.debugDescription) \(restarts)")
    }

    @Test func eachOrdinalKeepsItsClaimAcrossDeletionAndScaling() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + Self.web(replicas: 3, storageClass: "loop"))
            _ = try await Self.readyReplicas(cluster, 3)
            var volumes: [String: String] = [:]
            for ordinal in 0..<3 {
                let name = "web-\(ordinal)"
                let pod = try await cluster.cluster.get(Pod.self, ObjectKey(namespace: "default", name: name))
                #expect(pod.spec?.hostname == name && pod.spec?.subdomain == "nginx")
                #expect(pod.metadata.labels?["statefulset.kubernetes.io/pod-name"] == name)
                #expect(pod.metadata.labels?["apps.kubernetes.io/pod-index"] == String(ordinal))
                #expect(pod.metadata.ownerReferences?.first?.kind == "StatefulSet")
                let claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/www-\(name)") { $0.status?.phase == "Bound" }
                #expect(claim.metadata.labels?["app"] == "web")
                volumes[name] = claim.spec?.volumeName
                let (own, detail) = await isOwnLog(try await log(cluster, name), of: name, runs: 1, cluster: cluster)
                #expect(own, "\(detail)")
            }

            // web-1 deleted comes back under its name, to its claim, volume and data.
            let first = try await cluster.cluster.get(Pod.self, ObjectKey(namespace: "default", name: "web-1"))
            try await cluster.deletePodAndWaitForTeardown(first)
            let second = try await cluster.waitFor(Pod.self, "default/web-1", timeout: .seconds(60)) {
                $0.metadata.uid != first.metadata.uid && $0.status?.phase == PodStatus.Phase.running
            }
            #expect(second.spec?.volumes?.first { $0.name == "www" }?.persistentVolumeClaim?.claimName == "www-web-1")
            let (again, detail) = await isOwnLog(try await log(cluster, "web-1", runs: 2), of: "web-1", runs: 2, cluster: cluster)
            #expect(again, "the new web-1 appended to its predecessor's log: \(detail)")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-web-1"))
            #expect(claim.spec?.volumeName == volumes["web-1"])

            // Scale 3 → 1: web-2 goes, then web-1; the claims stay.
            try await Self.scale(cluster, to: 1)
            var gone: [String] = []
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while gone.count < 2, ContinuousClock.now < deadline {
                for name in ["web-2", "web-1"] where !gone.contains(name) {
                    if try await cluster.cluster.getIfPresent(Pod.self, ObjectKey(namespace: "default", name: name)) == nil { gone.append(name) }
                }
                try await Task.sleep(for: .milliseconds(5))
            }
            #expect(gone == ["web-2", "web-1"], "removed from the highest ordinal, one at a time")
            _ = try await Self.readyReplicas(cluster, 1)
            for name in ["web-1", "web-2"] {
                #expect(try await cluster.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-\(name)")) != nil)
            }

            // Back to 3: they return to their claims and data.
            try await Self.scale(cluster, to: 3)
            _ = try await Self.readyReplicas(cluster, 3)
            let (back, backDetail) = await isOwnLog(try await log(cluster, "web-2", runs: 2), of: "web-2", runs: 2, cluster: cluster)
            #expect(back, "\(backDetail)")
            for name in ["web-1", "web-2"] {
                let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-\(name)"))
                #expect(claim.spec?.volumeName == volumes[name])
            }
        }
    }

    @Test func startOrdinalParallelAndRetentionDelete() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            let extra = """
                  podManagementPolicy: Parallel
                  ordinals: {start: 5}
                  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}
                """
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + Self.web(replicas: 2, storageClass: "loop", extra: extra))
            _ = try await Self.readyReplicas(cluster, 2)
            for name in ["web-5", "web-6"] {
                let (own, detail) = await isOwnLog(try await log(cluster, name), of: name, runs: 1, cluster: cluster)
                #expect(own, "\(detail)")
            }
            let condemned = try await cluster.waitFor(PersistentVolumeClaim.self, "default/www-web-6") { $0.status?.phase == "Bound" }

            // whenScaled: Delete — scaling down deletes web-6's claim, and its volume with it (reclaim Delete).
            try await Self.scale(cluster, to: 1)
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-6", timeout: .seconds(60))
            try await cluster.waitForDeletion(PersistentVolume.self, condemned.spec?.volumeName ?? "", timeout: .seconds(60))
            #expect(try await cluster.cluster.getIfPresent(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-web-5")) != nil)

            // whenDeleted: Delete — deleting the set removes its pods and claims.
            _ = try await cluster.cluster.delete(StatefulSet.self, ObjectKey(namespace: "default", name: "web"))
            try await cluster.waitForDeletion(Pod.self, "default/web-5", timeout: .seconds(60))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-5", timeout: .seconds(60))
        }
    }

    @Test func orderedReadyWaitsForEachPodToBeReady() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            // web-1 is ready only once /data/ready exists in its volume.
            let probe = """
                        readinessProbe:
                          exec: {command: [sh, -c, '[ "$HOSTNAME" != web-1 ] || [ -f /data/ready ]']}
                          periodSeconds: 1
                """
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + Self.web(replicas: 3, storageClass: "loop", probe: probe))
            let held = try await cluster.waitForRunning("web-1")
            try await Task.sleep(for: .seconds(2))
            let web1 = String(decoding: try APICodec.encode(try await cluster.cluster.get(Pod.self, ObjectKey(namespace: "default", name: "web-1"))), as: UTF8.self)
            #expect(try await cluster.cluster.getIfPresent(Pod.self, ObjectKey(namespace: "default", name: "web-2")) == nil,
                    "web-2 waits while web-1 is not ready: \(web1)")
            let set = try await cluster.cluster.get(StatefulSet.self, ObjectKey(namespace: "default", name: "web"))
            #expect(set.status?.readyReplicas == 1 && set.status?.replicas == 2)

            FileManager.default.createFile(atPath: cluster.target(of: held, driver: "loop.stowage.dev", volume: "www") + "/ready", contents: nil)
            _ = try await Self.readyReplicas(cluster, 3)
        }
    }
}
