import ArgumentParser
import Foundation
import StowageAPI
import StowageClient

/// `stowage bench statefulset`: issue 8's benchmarks through the real controllers, node agent, container runtime and
/// hostpath driver: a `Parallel` set applied until every pod is Ready, an `OrderedReady` set likewise, then pods of
/// the first set deleted one at a time, each timed until the pod of the same name is Running again with its
/// volume.
struct BenchStatefulSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statefulset",
        abstract: "StatefulSets with a hostpath claim template → all Ready (Parallel, OrderedReady); pod delete → Running again.")

    @Option(help: "Replicas of the Parallel set.") var parallel = 100
    @Option(help: "Replicas of the OrderedReady set.") var ordered = 20
    @Option(help: "Pods deleted one at a time and timed until they run again.") var recreations = 20
    @Flag(help: "Containers without a command (volume consumers only) instead of `sleep` processes.") var idleContainers = false

    func validate() throws {
        try BenchCounts.require("parallel", parallel, atLeast: 1)
        try BenchCounts.require("ordered", ordered, atLeast: 1)
        try BenchCounts.require("recreations", recreations, atLeast: 1)
    }

    func run() async throws {
        let harness = try await BenchNodeHarness.start(name: "statefulset")
        let cluster = harness.cluster

        let parallelTime = try await applyAndWaitReady(set(name: "web", replicas: parallel, policy: "Parallel"), cluster: cluster)
        print(String(format: "%d replicas, Parallel, hostpath claim template: apply → all Ready in %.3f s%@", parallel,
                     BenchDynamicCommand.seconds(parallelTime), idleContainers ? " (containers without a command)" : ""))
        let orderedTime = try await applyAndWaitReady(set(name: "db", replicas: ordered, policy: "OrderedReady"), cluster: cluster)
        print(String(format: "%d replicas, OrderedReady, hostpath claim template: apply → all Ready in %.3f s", ordered,
                     BenchDynamicCommand.seconds(orderedTime)))

        var latencies: [Duration] = []
        for index in 0..<min(recreations, parallel) {
            let key = ObjectKey(namespace: "default", name: "web-\(index)")
            let old = try await cluster.get(Pod.self, key)
            let begin = ContinuousClock.now
            _ = try await cluster.delete(Pod.self, key)
            while true {
                if let pod = try await cluster.getIfPresent(Pod.self, key), pod.metadata.uid != old.metadata.uid,
                   pod.status?.phase == PodStatus.Phase.running { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            latencies.append(ContinuousClock.now - begin)
        }
        latencies.sort()
        if !latencies.isEmpty {
            print(String(format: "pod delete → same-name pod Running again with its volume (%d): p50 %.1f ms, max %.1f ms", latencies.count,
                         BenchDynamicCommand.seconds(latencies[latencies.count / 2]) * 1000,
                         BenchDynamicCommand.seconds(latencies[latencies.count - 1]) * 1000))
        }

        for name in ["web", "db"] {
            _ = try await cluster.delete(StatefulSet.self, ObjectKey(namespace: "default", name: name))
        }
        while try await !cluster.listAll(Pod.self, namespace: "default").isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try await harness.stop()
    }

    /// Creates `set` and returns how long until its status shows every replica Ready.
    private func applyAndWaitReady(_ set: StatefulSet, cluster: LocalCluster) async throws -> Duration {
        let replicas = set.spec?.replicas ?? 1
        let key = ObjectKey(namespace: "default", name: set.metadata.name ?? "")
        let start = ContinuousClock.now
        _ = try await cluster.create(set)
        while try await cluster.get(StatefulSet.self, key).status?.readyReplicas != replicas {
            try await Task.sleep(for: .milliseconds(5))
        }
        return ContinuousClock.now - start
    }

    private func set(name: String, replicas: Int, policy: String) -> StatefulSet {
        var container = Container(name: "app", image: "busybox")
        if !idleContainers { container.command = ["sleep", "3600"] }
        container.volumeMounts = [VolumeMount(name: "data", mountPath: "/data")]
        var set = StatefulSet(name: name, replicas: Int32(replicas), serviceName: name, labels: ["app": name], containers: [container],
                              volumeClaimTemplates: [PersistentVolumeClaim(name: "data", request: .mebibytes(16), storageClassName: "bench")])
        set.spec?.podManagementPolicy = policy
        set.spec?.template?.spec?.terminationGracePeriodSeconds = 1
        return set
    }
}
