import Foundation
import StowageAPI
import StowageClient
import Synchronization

/// `stowage bench dynamic --timeline`: every claim, volume and event write seen by a watch, in milliseconds from a
/// start mark, to show where one claim's time to Bound goes.
final class WriteTimeline: Sendable {
    private let entries = Mutex<(start: ContinuousClock.Instant, lines: [String])>((.now, []))
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(cluster: some Cluster) async throws {
        let claims = try await cluster.watch(PersistentVolumeClaim.self, WatchOptions(namespace: "default",
            resourceVersion: try await cluster.list(PersistentVolumeClaim.self, ListOptions(namespace: "default", limit: 1)).resourceVersion))
        let volumes = try await cluster.watch(PersistentVolume.self, WatchOptions(
            resourceVersion: try await cluster.list(PersistentVolume.self, ListOptions(limit: 1)).resourceVersion))
        let events = try await cluster.watch(Event.self, WatchOptions(namespace: "default",
            resourceVersion: try await cluster.list(Event.self, ListOptions(namespace: "default", limit: 1)).resourceVersion))
        var tasks: [Task<Void, Never>] = []
        defer { self.tasks.withLock { $0 = tasks } }
        tasks.append(Task { [self] in
            do {
                for try await change in claims {
                    let claim = change.object
                    let finalizers = (claim.metadata.finalizers ?? []).map { $0.split(separator: "/").last.map(String.init) ?? $0 }
                    note("pvc \(claim.metadata.name ?? "") rv\(claim.metadata.resourceVersion ?? "") \(claim.status?.phase ?? "-") "
                        + "vol=\(claim.spec?.volumeName ?? "") fin=\(finalizers) prov=\(claim.metadata.annotation(StorageAnnotation.storageProvisioner) != nil)")
                }
            } catch {}
        })
        tasks.append(Task { [self] in
            do {
                for try await change in volumes {
                    note("pv \(change.object.metadata.name?.prefix(12) ?? "") \(change.object.status?.phase ?? "-")")
                }
            } catch {}
        })
        tasks.append(Task { [self] in
            do { for try await change in events { note("event \(change.object.reason ?? "")") } } catch {}
        })
    }

    private func note(_ text: String) {
        let now = ContinuousClock.now
        entries.withLock { entries in
            let elapsed = now - entries.start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            entries.lines.append(String(format: "%.2f ", ms) + text)
        }
    }

    func start(at instant: ContinuousClock.Instant) { entries.withLock { $0 = (instant, []) } }
    func lines() -> [String] { entries.withLock { $0.lines } }
    func stop() { for task in tasks.withLock({ $0 }) { task.cancel() } }
}
