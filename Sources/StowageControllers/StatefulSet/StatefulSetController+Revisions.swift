import Foundation
import StowageAPI
import StowageClient

/// Revisions of a set's pod template and the rolling update between them.
///
/// Each template the set has had is a ControllerRevision `<set>-<hash>` owned by the set (hash: FNV-1a of the
/// template's JSON, spelled as Kubernetes spells it); pods carry theirs in the `controller-revision-hash` label.
/// `status.updateRevision` is the current template's, `status.currentRevision` the one the set is rolling away
/// from, until every pod is updated and ready.
extension StatefulSetController {
    static let revisionLabel = "controller-revision-hash"

    /// The revisions a reconcile works with: the one new pods of each ordinal are made from.
    struct Revisions {
        let current: ControllerRevision
        let update: ControllerRevision

        var currentName: String { current.metadata.name ?? "" }
        var updateName: String { update.metadata.name ?? "" }
    }

    /// `<set>-<hash of the template>`.
    static func revisionName(of set: StatefulSet, template: PodTemplateSpec?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(template)) ?? Data()
        var hash: UInt32 = 2_166_136_261
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        }
        mix(bytes)
        if let collisions = set.status?.collisionCount, collisions > 0 {
            mix(withUnsafeBytes(of: collisions.littleEndian, Array.init))
        }
        // Kubernetes' SafeEncodeString: each digit of the decimal hash mapped into letters and digits that
        // cannot spell words.
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let encoded = String(String(hash).utf8.map { alphabet[Int($0) % alphabet.count] })
        return "\(set.metadata.name ?? "")-\(encoded)"
    }

    /// The set's revisions, oldest first.
    func revisions(of set: StatefulSet) -> [ControllerRevision] {
        informers.revisions.list().filter { revision in
            (revision.metadata.namespace ?? "default") == (set.metadata.namespace ?? "default")
                && revision.metadata.ownerReferences?.contains { $0.uid == set.metadata.uid && $0.controller == true } == true
        }.sorted { ($0.revision ?? 0) < ($1.revision ?? 0) }
    }

    /// Makes sure the current template has a revision with the highest number (a template the set had before
    /// gets its old revision renumbered, as a rollback does in Kubernetes), and finds the current revision.
    func ensureRevisions(of set: StatefulSet) async throws -> Revisions {
        let existing = revisions(of: set)
        let name = Self.revisionName(of: set, template: set.spec?.template)
        let highest = existing.last?.revision ?? 0
        var update: ControllerRevision
        if let found = existing.first(where: { $0.metadata.name == name }) {
            update = found
            if (found.revision ?? 0) < highest {
                update.revision = highest + 1
                update = try await cluster.update(update)
            }
        } else {
            var metadata = ObjectMeta(name: name, namespace: set.metadata.namespace ?? "default",
                                      labels: set.spec?.selector?.matchLabels)
            metadata.ownerReferences = [Self.reference(to: set, controller: true)]
            let revision = ControllerRevision(metadata: metadata, data: ControllerRevisionData(template: set.spec?.template),
                                              revision: highest + 1)
            do {
                update = try await cluster.create(revision)
            } catch let error as APIError where error.reason == .alreadyExists {
                // Made by an earlier pass our cache has not seen yet, or another set's with the same name.
                guard let live = try await cluster.getIfPresent(ControllerRevision.self, ObjectKey(namespace: metadata.namespace, name: name)),
                      live.metadata.ownerReferences?.contains(where: { $0.uid == set.metadata.uid }) == true else { throw error }
                update = live
            }
        }
        let currentName = set.status?.currentRevision
        let current = existing.first { $0.metadata.name == currentName && currentName != nil } ?? update
        return Revisions(current: current, update: update)
    }

    /// The template a new pod of `ordinal` is made from: the current revision's below the partition of a
    /// rolling update, the update revision's otherwise (Kubernetes' `newVersionedStatefulSetPod`).
    func revision(forNewPod ordinal: Int32, of set: StatefulSet, _ revisions: Revisions) -> ControllerRevision {
        let strategy = set.spec?.updateStrategy
        guard strategy?.type ?? StatefulSetUpdateStrategy.StrategyType.rollingUpdate == StatefulSetUpdateStrategy.StrategyType.rollingUpdate
        else { return revisions.update }
        let index = ordinal - set.startOrdinal
        let keptBelow = strategy?.rollingUpdate.map { $0.partition ?? 0 } ?? (set.status?.currentReplicas ?? 0)
        return index < keptBelow ? revisions.current : revisions.update
    }

    /// Whether a pod counts as available: Running and Ready for at least `minReadySeconds`. When it is Ready
    /// but not yet for long enough, `wait` says how long is left.
    static func availability(of pod: Pod, minReadySeconds: Int32) -> (available: Bool, wait: Duration?) {
        guard pod.status?.phase == PodStatus.Phase.running, pod.status?.isReady == true, !pod.metadata.isBeingDeleted else {
            return (false, nil)
        }
        guard minReadySeconds > 0 else { return (true, nil) }
        let since = pod.status?.condition(PodCondition.ConditionType.ready)?.lastTransitionTime?.date ?? .distantPast
        let left = Double(minReadySeconds) - Date().timeIntervalSince(since)
        return left <= 0 ? (true, nil) : (false, .milliseconds(Int(left * 1000) + 50))
    }

    /// RollingUpdate: deletes pods not at the update revision, from the highest ordinal down to the partition,
    /// while fewer than `maxUnavailable` pods are unavailable. Each deleted pod is made again at the update
    /// revision by the next pass, with its claims.
    func rollOut(_ set: StatefulSet, pods: [Int32: Pod], revisions: Revisions) async {
        let strategy = set.spec?.updateStrategy
        guard strategy?.type ?? StatefulSetUpdateStrategy.StrategyType.rollingUpdate == StatefulSetUpdateStrategy.StrategyType.rollingUpdate
        else { return }
        let wanted = set.ordinals
        let partition = set.startOrdinal + (strategy?.rollingUpdate?.partition ?? 0)
        let minReady = set.spec?.minReadySeconds ?? 0
        var unavailable = wanted.filter { ordinal in
            guard let pod = pods[ordinal] else { return true }
            return !Self.availability(of: pod, minReadySeconds: minReady).available
        }.count
        let budget = Self.maxUnavailable(of: set)
        for ordinal in wanted.reversed() where ordinal >= partition {
            guard let pod = pods[ordinal], !pod.metadata.isBeingDeleted,
                  pod.metadata.labels?[Self.revisionLabel] != revisions.updateName else { continue }
            let available = Self.availability(of: pod, minReadySeconds: minReady).available
            // An unavailable pod is already counted; replacing it costs nothing more.
            if available {
                guard unavailable < budget else { break }
                unavailable += 1
            }
            let name = pod.metadata.name ?? ""
            _ = try? await cluster.delete(Pod.self, ObjectKey(namespace: set.metadata.namespace ?? "default", name: name),
                                          options: DeleteOptions(preconditionUID: pod.metadata.uid))
            events.normal(set, reason: "SuccessfulDelete", "delete Pod \(name) in StatefulSet \(set.metadata.name ?? "") successful")
        }
    }

    /// `rollingUpdate.maxUnavailable` as a pod count: a number, or a percentage of the replicas rounded down;
    /// at least 1 (Kubernetes' default is 1).
    static func maxUnavailable(of set: StatefulSet) -> Int {
        let replicas = Int(set.spec?.replicas ?? 1)
        switch set.spec?.updateStrategy?.rollingUpdate?.maxUnavailable {
        case .int(let count)?: return max(1, count)
        case .string(let text)?:
            let percent = Int(text.dropLast()) ?? 0
            return max(1, replicas * percent / 100)
        case nil: return 1
        }
    }

    /// Deletes the oldest revisions no pod uses beyond `revisionHistoryLimit` (default 10), never the current
    /// or update revision.
    func pruneHistory(of set: StatefulSet, pods: [Int32: Pod], revisions: Revisions) async {
        let limit = Int(set.spec?.revisionHistoryLimit ?? 10)
        let inUse = Set(pods.values.compactMap { $0.metadata.labels?[Self.revisionLabel] } + [revisions.currentName, revisions.updateName])
        let history = self.revisions(of: set).filter { !inUse.contains($0.metadata.name ?? "") }
        guard history.count > limit else { return }
        for revision in history.prefix(history.count - limit) {
            _ = try? await cluster.delete(ControllerRevision.self, ObjectKey(namespace: revision.metadata.namespace, name: revision.metadata.name ?? ""))
        }
    }
}
