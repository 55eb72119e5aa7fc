import Foundation
import Logging
import StowageAPI
import StowageCSI
import StowageClient
import StowageControllers
import Synchronization

/// The kubelet's volume manager for one node, keyed by pod UID: for every pod placed on the node it stages each
/// persistent volume once per node and publishes every volume under `<pods>/<uid>/volumes/<driver>/<name>` (block
/// volumes as files under `volumeDevices/`); when the pod is gone it unpublishes, unstages what no other pod uses,
/// and removes the pod's directory. Everything it mounted is recorded before the driver is asked, so a restart —
/// after a kill -9 too — re-publishes what pods still need (the drivers are idempotent and mount again what a
/// reboot took away) and tears down what belonged to pods deleted meanwhile.
public final class VolumeManager: Reconciler {
    public let name = "volumemanager"
    /// Index name: pods by `metadata.uid`.
    static let podsByUID = "metadata.uid"

    let nodeName: String
    let cluster: any Cluster
    let pods: Informer<Pod>
    let claims: Informer<PersistentVolumeClaim>
    let volumes: Informer<PersistentVolume>
    let drivers: DriverDirectory
    let records: PodVolumeRecords
    let stagingDirectory: String
    let events: EventRecorder
    let statusBuilder: PodStatusBuilder
    let runtime: PodRuntime
    /// Queues a pod again (set when registered with the loop): the runtime calls it when a container changes.
    private let requeue = Mutex<(@Sendable (String) -> Void)?>(nil)
    private let stagingLock = KeyedLock<String>()
    /// Volumes this process has seen published, by pod: they are not asked for again on every pod update.
    private let confirmed = Mutex<[String: Set<String>]>([:])
    /// Whether each driver stages volumes (`STAGE_UNSTAGE_VOLUME`), asked once per driver.
    private let stagingDrivers = Mutex<[String: Bool]>([:])

    init(nodeName: String, cluster: any Cluster, pods: Informer<Pod>, claims: Informer<PersistentVolumeClaim>,
         volumes: Informer<PersistentVolume>, drivers: DriverDirectory, records: PodVolumeRecords,
         stagingDirectory: String, events: EventRecorder, hostIP: String, runtime: PodRuntime) {
        self.nodeName = nodeName
        self.cluster = cluster
        self.pods = pods
        self.claims = claims
        self.volumes = volumes
        self.drivers = drivers
        self.records = records
        self.stagingDirectory = stagingDirectory
        self.events = events
        self.statusBuilder = PodStatusBuilder(hostIP: hostIP)
        self.runtime = runtime
    }

    /// Connects the informers and the driver directory to `loop`, and queues every pod the records know (those
    /// deleted while the node was down are torn down).
    func register(with loop: ReconcileLoop<VolumeManager>) {
        requeue.withLock { $0 = { loop.enqueue($0) } }
        pods.addHandler { [nodeName] event in
            let pod = event.object
            guard let uid = pod.metadata.uid else { return }
            if pod.spec?.nodeName == nodeName || self.records.volumes(of: uid) != nil { loop.enqueue(uid) }
        }
        claims.addHandler { event in
            let claim = event.object
            let key = "\(claim.metadata.namespace ?? "default")/\(claim.metadata.name ?? "")"
            for pod in self.pods.byIndex(StandardIndexes.podsByClaim, key) where pod.spec?.nodeName == self.nodeName {
                if let uid = pod.metadata.uid { loop.enqueue(uid) }
            }
        }
        drivers.onRegister { driver in
            for uid in self.records.pods { loop.enqueue(uid) }
            for pod in self.pods.byIndex(StandardIndexes.podsByNode, self.nodeName) {
                if let uid = pod.metadata.uid { loop.enqueue(uid) }
            }
        }
        for uid in records.pods { loop.enqueue(uid) }
    }

    public func reconcile(_ uid: String) async throws -> ReconcileResult {
        if let pod = pods.byIndex(Self.podsByUID, uid).first, pod.spec?.nodeName == nodeName,
           !pod.metadata.isBeingDeleted, !pod.isTerminal {
            return try await setUp(pod, uid: uid)
        }
        try await tearDown(uid)
        return .done
    }

    // MARK: Setting up

    private func setUp(_ pod: Pod, uid: String) async throws -> ReconcileResult {
        let planned: [PlannedVolume]
        do {
            planned = try PodVolumePlanner(claims: claims, volumes: volumes).plan(pod)
        } catch let notReady as VolumeNotReady {
            events.warning(pod, reason: "FailedMount", "Unable to attach or mount volumes: \(notReady)")
            try await report(pod, .waiting(reason: "ContainerCreating", message: notReady.description))
            return .again(after: .seconds(10))  // claims wake it sooner; this covers a volume changed meanwhile
        }
        var mounted: [String: MountedVolume] = [:]
        for volume in planned where !isConfirmed(volume.name, of: uid) {
            do {
                try await setUp(volume, of: pod, uid: uid)
            } catch {
                let message = Self.describe(error)
                events.warning(pod, reason: "FailedMount", "MountVolume.SetUp failed for volume \"\(volume.name)\" : \(message)")
                try await report(pod, .waiting(reason: "ContainerCreating", message: "volume \"\(volume.name)\": \(message)"))
                throw error
            }
            confirmed.withLock { _ = $0[uid, default: []].insert(volume.name) }
        }
        for volume in planned { mounted[volume.name] = MountedVolume(path: targetPath(of: volume, uid: uid), isBlock: volume.isBlock) }
        let wake = requeue.withLock { $0 }
        let worker = await runtime.sync(pod, volumes: mounted) { wake?(uid) }
        let (initContainers, containers) = await worker.containerStatuses()
        try await report(pod, .running(initContainers: initContainers, containers: containers))
        return .done
    }

    private func isConfirmed(_ volume: String, of uid: String) -> Bool {
        confirmed.withLock { $0[uid]?.contains(volume) ?? false }
    }

    /// Records, stages (when the driver stages, once per node) and publishes one volume.
    private func setUp(_ volume: PlannedVolume, of pod: Pod, uid: String) async throws {
        guard let driver = drivers.driver(named: volume.driver) else {
            throw NodeAgentError("driver name \(volume.driver) not found in the list of registered drivers (no socket in \(drivers.directory))")
        }
        var stagingPath: String?
        if volume.isPersistent, try await stages(driver) {
            stagingPath = Expander.stagingPath(in: stagingDirectory, driver: volume.driver, volumeHandle: volume.volumeId)
        }
        let staging = stagingPath
        let entry = PublishedVolume(name: volume.name, driver: volume.driver, volumeId: volume.volumeId,
                                    targetPath: targetPath(of: volume, uid: uid), stagingPath: staging)
        try await stagingLock.withLock("\(volume.driver)/\(volume.volumeId)") {
            var recorded = records.volumes(of: uid) ?? []
            if !recorded.contains(entry) {
                recorded.removeAll { $0.name == entry.name }
                recorded.append(entry)
                try records.set(recorded, for: uid)
            }
            if let staging {
                try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
                _ = try await driver.client.nodeStageVolume(NodeStageVolumeRequest(
                    volumeId: volume.volumeId, stagingTargetPath: staging, volumeCapability: volume.capability,
                    volumeContext: volume.volumeContext))
            }
        }
        let parent = (entry.targetPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        _ = try await driver.client.nodePublishVolume(NodePublishVolumeRequest(
            volumeId: volume.volumeId, stagingTargetPath: staging ?? "", targetPath: entry.targetPath,
            volumeCapability: volume.capability, readonly: volume.readOnly, volumeContext: volume.volumeContext))
    }

    /// `<pods>/<uid>/volumes/<driver>/<name>`, or `volumeDevices/` for a block volume (kubelet's layout).
    func targetPath(of volume: PlannedVolume, uid: String) -> String {
        "\(records.podDirectory(uid))/\(volume.isBlock ? "volumeDevices" : "volumes")/\(volume.driver)/\(volume.name)"
    }

    private func stages(_ driver: RegisteredDriver) async throws -> Bool {
        if let known = stagingDrivers.withLock({ $0[driver.name] }) { return known }
        let capabilities = try await driver.client.nodeGetCapabilities()
        let stages = capabilities.capabilities.contains { $0.rpc?.type == .stageUnstageVolume }
        stagingDrivers.withLock { $0[driver.name] = stages }
        return stages
    }

    // MARK: Tearing down

    /// Unpublishes every recorded volume of pod `uid`, unstages those no other pod uses, and removes the pod's
    /// directory. A driver that is not running leaves its volumes (and the record) until it is back.
    private func tearDown(_ uid: String) async throws {
        confirmed.withLock { _ = $0.removeValue(forKey: uid) }
        // The containers go first: a process still running would keep its volumes busy.
        await runtime.stop(uid)
        guard var recorded = records.volumes(of: uid) else { return }
        while let entry = recorded.last {
            guard let driver = drivers.driver(named: entry.driver) else {
                throw NodeAgentError("volume \"\(entry.name)\" of deleted pod \(uid) stays published at \(entry.targetPath) until driver \(entry.driver) is running again")
            }
            _ = try await driver.client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: entry.volumeId, targetPath: entry.targetPath))
            recorded = try await stagingLock.withLock("\(entry.driver)/\(entry.volumeId)") { [recorded] in
                if let staging = entry.stagingPath, !records.isStaged(entry, byPodOtherThan: uid) {
                    _ = try await driver.client.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: entry.volumeId, stagingTargetPath: staging))
                    rmdir(staging)  // only ever an empty directory: never a recursive delete under a staging path
                }
                let remaining = Array(recorded.dropLast())
                try records.set(remaining, for: uid)
                return remaining
            }
        }
        try records.remove(uid)
    }

    // MARK: Status

    private func report(_ pod: Pod, _ progress: PodStatusBuilder.Progress) async throws {
        let status = statusBuilder.status(of: pod, progress)
        guard PodStatusBuilder.differs(pod.status, status) else { return }
        var updated = pod
        updated.status = status
        _ = try await cluster.updateStatus(updated)
    }

    /// A driver's error as kubelet shows it (`rpc error: code = … desc = …`), anything else as it describes itself.
    static func describe(_ error: any Error) -> String {
        if let error = error as? CSIError { return "rpc error: code = \(error.code.name) desc = \(error.message)" }
        return "\(error)"
    }
}
