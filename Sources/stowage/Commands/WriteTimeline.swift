import Foundation
import StowageAPI
import StowageClient
import StowageStore
import Synchronization

/// `stowage bench dynamic --timeline`: every claim, volume and event write seen by a watch, in milliseconds from a
/// start mark, to show where one claim's time to Bound goes.
final class WriteTimeline: Sendable {
    private let entries = Mutex<(start: ContinuousClock.Instant, lines: [String])>((.now, []))
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(cluster: some Cluster) async throws {
        let claims = try await Self.watchFromNow(PersistentVolumeClaim.self, in: cluster)
        let volumes = try await Self.watchFromNow(PersistentVolume.self, in: cluster)
        let events = try await Self.watchFromNow(Event.self, in: cluster)
        let followers = [
            follow(claims, Self.describe),
            follow(volumes) { "pv \($0.metadata.name?.prefix(12) ?? "") \($0.status?.phase ?? "-")" },
            follow(events) { "event \($0.reason ?? "")" },
        ]
        tasks.withLock { $0 = followers }
    }

    private static func describe(_ claim: PersistentVolumeClaim) -> String {
        let finalizers = (claim.metadata.finalizers ?? []).map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        let provisioning = claim.metadata.annotation(StorageAnnotation.storageProvisioner) != nil
        return "pvc \(claim.metadata.name ?? "") rv\(claim.metadata.resourceVersion ?? "") \(claim.status?.phase ?? "-") "
            + "vol=\(claim.spec?.volumeName ?? "") fin=\(finalizers) prov=\(provisioning)"
    }

    /// Changes of `type` (in `default` when namespaced) from the current revision on.
    private static func watchFromNow<T: APIObject>(_ type: T.Type, in cluster: some Cluster) async throws
        -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let namespace = T.resource.namespaced ? "default" : nil
        let revision = try await cluster.list(type, ListOptions(namespace: namespace, limit: 1)).resourceVersion
        return try await cluster.watch(type, WatchOptions(namespace: namespace, resourceVersion: revision))
    }

    /// Notes one line per change until the stream ends or the task is cancelled.
    private func follow<T: APIObject>(_ changes: AsyncThrowingStream<WatchEvent<T>, any Error>,
                                      _ describe: @escaping @Sendable (T) -> String) -> Task<Void, Never> {
        Task { [self] in
            do { for try await change in changes { note(describe(change.object)) } } catch {}
        }
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
