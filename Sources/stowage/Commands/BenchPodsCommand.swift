import ArgumentParser
import Foundation
import Logging
import StowageAPI
import StowageClient
import StowageControllers
import StowageLinux
import StowageNode
import StowageStore

/// `stowage bench pods`: issue 7's benchmarks through the real controllers, node agent and hostpath driver: N
/// pods, each with its own claim, created at once until every pod is Running (placed, claim provisioned and bound,
/// volume published); then each pod deleted in turn, timed until its volume is unpublished.
struct BenchPodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods",
        abstract: "Pods with a hostpath claim each → Running, and pod delete → volume unpublished.")

    @Option(help: "Pods (each with its own claim) created at once.") var pods = 100

    func validate() throws {
        try BenchCounts.require("pods", pods, atLeast: 1)
    }

    func run() async throws {
        let harness = try await BenchNodeHarness.start(name: "pods")
        let cluster = harness.cluster
        let running = try await RunningPods(cluster: cluster)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<pods {
                group.addTask {
                    _ = try await cluster.create(PersistentVolumeClaim(name: "data-\(index)", request: .mebibytes(16), storageClassName: "bench"))
                    _ = try await cluster.create(Self.pod(index))
                }
            }
            try await group.waitForAll()
        }
        await running.wait(for: pods)
        let burst = ContinuousClock.now - start
        print(String(format: "%d pods with a hostpath claim each, created at once → all Running (placed, provisioned, bound, published) in %.3f s",
                     pods, BenchDynamicCommand.seconds(burst)))

        var latencies: [Duration] = []
        for pod in try await cluster.listAll(Pod.self, namespace: "default") {
            let target = "\(harness.directory)/pods/\(pod.metadata.uid ?? "")/volumes/hostpath.stowage.dev/data"
            let begin = ContinuousClock.now
            _ = try await cluster.delete(Pod.self, ObjectKey(namespace: "default", name: pod.metadata.name ?? ""))
            while try MountInfo.isMountPoint(target) { try await Task.sleep(for: .microseconds(200)) }
            latencies.append(ContinuousClock.now - begin)
        }
        latencies.sort()
        if !latencies.isEmpty {
            print(String(format: "pod delete → volume unpublished, one at a time (%d): p50 %.2f ms, p99 %.2f ms", latencies.count,
                         BenchDynamicCommand.seconds(latencies[latencies.count / 2]) * 1000,
                         BenchDynamicCommand.seconds(latencies[min(latencies.count - 1, latencies.count * 99 / 100)]) * 1000))
        }
        try await harness.stop()
    }

    static func pod(_ index: Int) -> Pod {
        Pod(name: "pod-\(index)", containers: [Container(name: "app", image: "busybox")],
            volumes: [StowageAPI.Volume(name: "data", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "data-\(index)"))])
    }
}

/// Counts pods seen Running through a watch.
actor RunningPods {
    private var names = Set<String>()
    private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?
    private var task: Task<Void, Never>?

    init(cluster: LocalCluster) async throws {
        let revision = try await cluster.list(Pod.self, ListOptions(namespace: "default", limit: 1)).resourceVersion
        let changes = try await cluster.watch(Pod.self, WatchOptions(namespace: "default", resourceVersion: revision))
        task = Task { [weak self] in
            do {
                for try await change in changes where change.object.status?.phase == PodStatus.Phase.running {
                    await self?.mark(change.object.metadata.name ?? "")
                }
            } catch {}
        }
    }

    private func mark(_ name: String) {
        names.insert(name)
        if let waiter, names.count >= waiter.count {
            waiter.continuation.resume()
            self.waiter = nil
        }
    }

    func wait(for count: Int) async {
        if names.count >= count { return }
        await withCheckedContinuation { waiter = (count, $0) }
    }
}
