import Foundation
import StowageAPI
import StowageClient
import StowageJSON
import StowageLinux
import StowageTesting
import Testing

@Suite("StatefulSets: template updates and claim template expansion", .enabled(if: NodeHost.canRun, NodeHost.reason))
struct StatefulSetRolloutTests {
    static let key = ObjectKey(namespace: "default", name: "web")

    /// Changes the template (a new environment variable), which makes a new revision.
    static func changeTemplate(_ cluster: TestCluster, version: Int) async throws {
        let patch = #"{"spec":{"template":{"spec":{"containers":[{"name":"nginx","env":[{"name":"VERSION","value":"\#(version)"}]}]}}}}"#
        _ = try await cluster.cluster.patch(StatefulSet.self, key, .strategicMerge(try JSONParser.parse(patch)))
    }

    static func pods(_ cluster: TestCluster, _ names: [String]) async throws -> [String: Pod] {
        var pods: [String: Pod] = [:]
        for name in names { pods[name] = try await cluster.cluster.getIfPresent(Pod.self, ObjectKey(namespace: "default", name: name)) }
        return pods
    }

    static func revision(of pod: Pod?) -> String? { pod?.metadata.labels?["controller-revision-hash"] }

    @Test func aRollingUpdateReplacesPodsFromTheHighestOrdinalEachWithItsClaim() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + StatefulSetTests.web(replicas: 3, storageClass: "loop"))
            let before = try await StatefulSetTests.readyReplicas(cluster, 3)
            let first = try #require(before.status?.updateRevision)
            #expect(before.status?.currentRevision == first)
            let old = try await Self.pods(cluster, ["web-0", "web-1", "web-2"])
            #expect(old.values.allSatisfy { Self.revision(of: $0) == first })
            let revisions = try await cluster.cluster.listAll(ControllerRevision.self, namespace: "default")
            #expect(revisions.map(\.metadata.name) == [first] && revisions.first?.revision == 1)

            try await Self.changeTemplate(cluster, version: 2)
            // While it rolls, the updated pods are always the highest ordinals.
            let deadline = ContinuousClock.now.advanced(by: .seconds(90))
            var set = before
            while ContinuousClock.now < deadline {
                set = try await cluster.cluster.get(StatefulSet.self, Self.key)
                let now = try await Self.pods(cluster, ["web-0", "web-1", "web-2"])
                let updated = ["web-0", "web-1", "web-2"].map { now[$0].map { Self.revision(of: $0) != first ? 1 : 0 } ?? 0 }
                #expect(updated == updated.sorted(), "updated from the highest ordinal down: \(updated)")
                if set.status?.currentRevision == set.status?.updateRevision, set.status?.updateRevision != first,
                   set.status?.updatedReplicas == 3, set.status?.readyReplicas == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let second = try #require(set.status?.updateRevision)
            #expect(second != first && set.status?.currentRevision == second, "\(String(describing: set.status))")
            let new = try await Self.pods(cluster, ["web-0", "web-1", "web-2"])
            for name in ["web-0", "web-1", "web-2"] {
                let pod = try #require(new[name])
                #expect(pod.metadata.uid != old[name]?.metadata.uid, "\(name) was replaced")
                #expect(Self.revision(of: pod) == second)
                #expect(pod.spec?.containers?.first?.env?.first { $0.name == "VERSION" }?.value == "2")
                // The replacement found its predecessor's line in its own claim.
                let log = try await PodRuntimeTests.waitForFile(
                    cluster.target(of: pod, driver: "loop.stowage.dev", volume: "www") + "/log", contains: "\(name)\n\(name)\n")
                #expect(log == "\(name)\n\(name)\n")
            }
            let after = try await cluster.cluster.listAll(ControllerRevision.self, namespace: "default")
            #expect(Set(after.compactMap(\.metadata.name)) == [first, second])
            #expect(after.first { $0.metadata.name == second }?.revision == 2)
        }
    }

    @Test func aPartitionKeepsLowerOrdinalsAtTheOldRevisionEvenWhenRecreated() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            let strategy = "  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}\n  podManagementPolicy: Parallel"
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + StatefulSetTests.web(replicas: 3, storageClass: "loop", extra: strategy))
            let first = try #require(try await StatefulSetTests.readyReplicas(cluster, 3).status?.updateRevision)

            try await Self.changeTemplate(cluster, version: 2)
            let set = try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) {
                $0.status?.updatedReplicas == 1 && $0.status?.readyReplicas == 3 && $0.status?.updateRevision != first
            }
            #expect(set.status?.currentRevision == first && set.status?.currentReplicas == 2)
            var pods = try await Self.pods(cluster, ["web-0", "web-1", "web-2"])
            #expect(Self.revision(of: pods["web-2"] ?? nil) == set.status?.updateRevision)
            #expect(Self.revision(of: pods["web-0"] ?? nil) == first && Self.revision(of: pods["web-1"] ?? nil) == first)

            // Below the partition a deleted pod comes back from the old revision's template.
            let web0 = try #require(pods["web-0"] ?? nil)
            try await cluster.deletePodAndWaitForTeardown(web0)
            let back = try await cluster.waitFor(Pod.self, "default/web-0", timeout: .seconds(60)) {
                $0.metadata.uid != web0.metadata.uid && $0.status?.phase == PodStatus.Phase.running
            }
            #expect(Self.revision(of: back) == first)
            #expect(back.spec?.containers?.first?.env == nil, "the old template has no VERSION")

            // Partition 0 lets the rest roll.
            _ = try await cluster.cluster.patch(StatefulSet.self, Self.key, .merge(try JSONParser.parse(
                #"{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}"#)))
            let done = try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) {
                $0.status?.updatedReplicas == 3 && $0.status?.readyReplicas == 3 && $0.status?.currentRevision == $0.status?.updateRevision
            }
            pods = try await Self.pods(cluster, ["web-0", "web-1", "web-2"])
            #expect(pods.values.allSatisfy { Self.revision(of: $0) == done.status?.updateRevision })
        }
    }

    @Test func podsCountAsAvailableOnlyAfterMinReadySeconds() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            let extra = "  minReadySeconds: 3\n  podManagementPolicy: Parallel"
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + StatefulSetTests.web(replicas: 2, storageClass: "loop", extra: extra))
            // The first pod to be ready: none can have been ready for 3 s then. (Waiting for both to be ready
            // instead made a test that failed when the machine was slow enough to start them 3 s apart.)
            let firstReady = try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) { ($0.status?.readyReplicas ?? 0) >= 1 }
            let readyAt = ContinuousClock.now
            #expect(firstReady.status?.availableReplicas == 0, "ready, but not yet for 3 s")
            let available = try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) { $0.status?.availableReplicas == 2 }
            #expect(ContinuousClock.now - readyAt >= .seconds(1), "available a while after ready")
            #expect(available.status?.readyReplicas == 2)
        }
    }

    @Test func aClaimWhoseClassCannotGrowIsLeftAsItIsWithAnEventSayingWhy() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + StatefulSetTests.web(replicas: 1, storageClass: "loop"))
            _ = try await StatefulSetTests.readyReplicas(cluster, 1)
            _ = try await cluster.cluster.patch(StatefulSet.self, Self.key, .merge(try JSONParser.parse(
                #"{"spec":{"volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"loop","resources":{"requests":{"storage":"32Mi"}}}}]}}"#)))
            let event = try await cluster.waitForEvent(about: StatefulSet.self, "default/web", reason: "FailedUpdate")
            #expect(event.type == "Warning")
            #expect(event.message == "update Claim www-web-0 in StatefulSet web failed error: persistentvolumeclaims \"www-web-0\" is forbidden: "
                    + "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-web-0"))
            #expect(claim.spec?.resources?.requests?["storage"] == Quantity(bytes: 16 << 20))
        }
    }

    @Test func onDeleteReplacesOnlyPodsTheUserDeletes() async throws {
        try await withNode(drivers: [.loop]) { cluster in
            let strategy = "  updateStrategy: {type: OnDelete}\n  podManagementPolicy: Parallel"
            try await cluster.apply(VolumeManagerTests.loopClass + "---\n" + StatefulSetTests.web(replicas: 2, storageClass: "loop", extra: strategy))
            let first = try #require(try await StatefulSetTests.readyReplicas(cluster, 2).status?.updateRevision)
            let old = try await Self.pods(cluster, ["web-0", "web-1"])

            try await Self.changeTemplate(cluster, version: 2)
            let set = try await cluster.waitFor(StatefulSet.self, "default/web") { $0.status?.updateRevision != first }
            try await Task.sleep(for: .seconds(2))
            var now = try await Self.pods(cluster, ["web-0", "web-1"])
            #expect(now["web-0"]?.metadata.uid == old["web-0"]?.metadata.uid && now["web-1"]?.metadata.uid == old["web-1"]?.metadata.uid,
                    "OnDelete leaves running pods alone")

            try await cluster.deletePodAndWaitForTeardown(try #require(old["web-1"] ?? nil))
            let back = try await cluster.waitFor(Pod.self, "default/web-1", timeout: .seconds(60)) {
                $0.metadata.uid != old["web-1"]?.metadata.uid && $0.status?.phase == PodStatus.Phase.running
            }
            #expect(Self.revision(of: back) == set.status?.updateRevision)
            now = try await Self.pods(cluster, ["web-0"])
            #expect(Self.revision(of: now["web-0"] ?? nil) == first)
        }
    }

    /// ext4 64Mi → 128Mi, as the issue asks; where ext4 cannot grow online (without CAP_SYS_RESOURCE, as on the
    /// machines these tests were written on, the kernel refuses: "Permission denied to resize filesystem"), XFS,
    /// whose smallest filesystem is 300 MiB: 320Mi → 400Mi.
    static var growth: (fsType: String, from: Int64, to: Int64) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let capabilities = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }.flatMap { UInt64($0.split(separator: "\t").last ?? "", radix: 16) } ?? 0
        let ext4Grows = capabilities & (1 << 24) != 0
        return ext4Grows || access("/usr/sbin/mkfs.xfs", X_OK) != 0 ? ("ext4", 64, 128) : ("xfs", 320, 400)
    }

    static func claimTemplatesPatch(storage: String) -> String {
        #"{"spec":{"volumeClaimTemplates":[{"metadata":{"name":"www"},"spec":{"accessModes":["ReadWriteOnce"],"storageClassName":"grow","resources":{"requests":{"storage":"\#(storage)"}}}}]}}"#
    }

    @Test func raisingTheClaimTemplatesStorageGrowsEveryClaimAndMountedFilesystem() async throws {
        let plan = Self.growth
        try await withNode(drivers: [.loop]) { cluster in
            let expandable = NodeManifests.storageClass("grow", provisioner: "loop.stowage.dev", parameters: ["csi.storage.k8s.io/fstype": plan.fsType])
                + "allowVolumeExpansion: true\n"
            let web = StatefulSetTests.web(replicas: 2, storageClass: "grow", extra: "  podManagementPolicy: Parallel")
                .replacingOccurrences(of: "storage: 16Mi", with: "storage: \(plan.from)Mi")
            try await cluster.apply(expandable + "---\n" + web)
            _ = try await StatefulSetTests.readyReplicas(cluster, 2)
            let before = try await Self.pods(cluster, ["web-0", "web-1"])
            var sizes: [String: Int64] = [:]
            for name in ["web-0", "web-1"] {
                let pod = try #require(before[name])
                sizes[name] = try FilesystemStats(path: cluster.target(of: pod, driver: "loop.stowage.dev", volume: "www")).totalBytes
            }

            _ = try await cluster.cluster.patch(StatefulSet.self, Self.key, .merge(try JSONParser.parse(
                Self.claimTemplatesPatch(storage: "\(plan.to)Mi"))))
            for name in ["web-0", "web-1"] {
                let claim: PersistentVolumeClaim
                do {
                    claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/www-\(name)", timeout: .seconds(60)) {
                        $0.status?.capacity?["storage"] == Quantity(bytes: plan.to << 20)
                    }
                } catch {
                    let events = try await cluster.cluster.listAll(Event.self, namespace: "default").map { "\($0.reason ?? ""): \($0.message ?? "")" }
                    Issue.record("\(error)\nevents:\n\(events.joined(separator: "\n"))")
                    return
                }
                #expect(claim.spec?.resources?.requests?["storage"] == Quantity(bytes: plan.to << 20))
                let pod = try #require(before[name])
                let grown = try FilesystemStats(path: cluster.target(of: pod, driver: "loop.stowage.dev", volume: "www")).totalBytes
                let old = sizes[name] ?? 0
                #expect(Double(grown - old) > Double((plan.to - plan.from) << 20) * 0.9,
                        "\(name)'s mounted \(plan.fsType) grew by about \(plan.to - plan.from) MiB: \(old) → \(grown) bytes")
            }
            let after = try await Self.pods(cluster, ["web-0", "web-1"])
            for name in ["web-0", "web-1"] {
                #expect(after[name]?.metadata.uid == before[name]?.metadata.uid, "\(name) was not restarted")
                #expect(after[name]?.status?.containerStatuses?.first?.restartCount == 0)
            }
            // Growing is the one change a claim template allows.
            await #expect {
                _ = try await cluster.cluster.patch(StatefulSet.self, Self.key, .merge(try JSONParser.parse(
                    Self.claimTemplatesPatch(storage: "\(plan.from)Mi"))))
            } throws: { error in
                "\(error)".contains("updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy'")
            }
        }
    }
}
