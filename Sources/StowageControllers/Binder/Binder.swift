import Foundation
import Logging
import StowageAPI
import StowageClient
import Synchronization

/// A claim or a volume: what the binder and the protection controller reconcile.
public enum StorageObjectKey: Hashable, Sendable, CustomStringConvertible {
    case claim(ObjectKey)
    case volume(String)

    public var description: String {
        switch self {
        case .claim(let key): return "pvc \(key)"
        case .volume(let name): return "pv \(name)"
        }
    }
}

/// The binder: matches claims to volumes by `spec/kubernetes-semantics.md` §1, binds them in Kubernetes' order
/// (§2), keeps both sides' phases true (Available, Bound, Released; Pending, Bound, Lost), assigns the default
/// class to claims that have none — also retroactively — and hands claims that nothing matches to their class's
/// provisioner.
public final class Binder: Reconciler {
    public let name = "binder"
    let cluster: any Cluster
    let informers: SharedInformers
    let events: EventRecorder
    let index: VolumeIndex
    /// Unbound claims that found nothing, by class, so a volume becoming free wakes one that might want it.
    private let waiting = Mutex(WaitingByClass())
    /// Where woken claims are queued (set by ``register(with:)``; weak: the loop holds the binder).
    private let wakeTarget = WeakLoop()
    /// The revision of this binder's last write of each object, until the informer has caught up with it
    /// (controller-runtime's "expectations"): reconciling an object from a cache older than our own write would
    /// only redo the write and lose a conflict.
    private let expectations = Mutex<[StorageObjectKey: Int64]>([:])
    private let logger: Logger
    /// Set when the provisioner runs in this process: claims it can provision get its in-flight finalizer in the
    /// binder's write that hands them over.
    let handOver: ProvisioningHandOver?

    public init(cluster: any Cluster, informers: SharedInformers, events: EventRecorder, handOver: ProvisioningHandOver? = nil,
                logger: Logger) {
        self.cluster = cluster
        self.informers = informers
        self.index = VolumeIndex { [volumes = informers.volumes] name in volumes.get(ObjectKey(name: name)) }
        self.events = events
        self.handOver = handOver
        self.logger = logger
    }

    /// Connects the informers to `loop` (call before the informers run).
    public func register(with loop: ReconcileLoop<Binder>) {
        wakeTarget.loop = loop
        informers.volumes.addHandler { [index] event in
            switch event {
            case .deleted(let volume):
                index.forget(volume.metadata.name ?? "")
                self.expectations.withLock { _ = $0.removeValue(forKey: .volume(volume.metadata.name ?? "")) }
            case .added(let volume), .updated(_, let volume):
                if index.observe(volume) { self.wake(storageClass: volume.spec?.storageClassName ?? "", loop) }
            }
            let volume = event.object
            loop.enqueue(.volume(volume.metadata.name ?? ""))
            if let ref = volume.spec?.claimRef, let name = ref.name {
                loop.enqueue(.claim(ObjectKey(namespace: ref.namespace ?? "default", name: name)))
            }
        }
        informers.claims.addHandler { event in
            let claim = event.object
            loop.enqueue(.claim(claim.key))
            if case .deleted = event {
                self.unpark(claim, passingOn: true)
                self.expectations.withLock { _ = $0.removeValue(forKey: .claim(claim.key)) }
                for volume in self.informers.volumes.byIndex(SharedInformers.volumesByClaim, claim.indexKey) {
                    loop.enqueue(.volume(volume.metadata.name ?? ""))
                }
                if let name = claim.spec?.volumeName, !name.isEmpty { loop.enqueue(.volume(name)) }
            }
        }
        informers.classes.addHandler { _ in
            // A new class (or a new default) can change what unbound claims should do.
            for claim in self.informers.claims.list() where (claim.spec?.volumeName ?? "").isEmpty {
                loop.enqueue(.claim(claim.key))
            }
        }
        informers.pods.addHandler { event in
            // A pod placed on a node is the first consumer its WaitForFirstConsumer claims wait for.
            let pod = event.object
            guard let node = pod.spec?.nodeName, !node.isEmpty else { return }
            for claim in StandardIndexes.claims(of: pod) { loop.enqueue(.claim(ObjectKey(claim))) }
        }
    }

    public func reconcile(_ key: StorageObjectKey) async throws -> ReconcileResult {
        switch key {
        case .claim(let claimKey):
            guard let claim = informers.claims.get(claimKey), !claim.metadata.isBeingDeleted else { return .done }
            // Our own write's event is on its way and will bring the key back.
            if !cacheHasCaughtUp(key, claim.metadata.resourceVersion) { return .done }
            if (claim.spec?.volumeName ?? "").isEmpty {
                return try await syncUnboundClaim(claim)
            }
            unpark(claim, passingOn: true)  // bound elsewhere (by the user, say) while waiting: a wake-up it holds goes on
            return try await syncBoundClaim(claim)
        case .volume(let name):
            guard let volume = informers.volumes.get(ObjectKey(name: name)) else { return .done }
            if !cacheHasCaughtUp(key, volume.metadata.resourceVersion) { return .done }
            return try await syncVolume(volume)
        }
    }

    /// Records the revision this binder wrote an object at.
    func wrote<T: APIObject>(_ object: T) {
        let key: StorageObjectKey = T.self == PersistentVolumeClaim.self
            ? .claim(ObjectKey(namespace: object.metadata.namespace ?? "default", name: object.metadata.name ?? ""))
            : .volume(object.metadata.name ?? "")
        if let revision = object.metadata.resourceVersion.flatMap(Int64.init) {
            expectations.withLock { $0[key] = max($0[key] ?? 0, revision) }
        }
    }

    /// Whether the cached copy (at `resourceVersion`) is at least as new as our last write of it.
    private func cacheHasCaughtUp(_ key: StorageObjectKey, _ resourceVersion: String?) -> Bool {
        let cached = resourceVersion.flatMap(Int64.init) ?? 0
        return expectations.withLock { expectations in
            guard let expected = expectations[key] else { return true }
            if cached >= expected {
                expectations[key] = nil
                return true
            }
            return false
        }
    }

    /// Remembers that `claim` found no volume, so a volume of its class becoming free looks again; when `claim` had
    /// been woken for such a volume, wakes the next waiting claim instead (see ``WaitingClaims``). A claim whose
    /// class changed (the default class given to it later) moves to its new class, handing on what it held.
    func park(_ claim: PersistentVolumeClaim) {
        let storageClass = claim.spec?.storageClassName ?? ""
        let woken = waiting.withLock { waiting -> [ObjectKey] in
            var woken: [ObjectKey] = []
            if let previous = waiting.classOf[claim.key], previous != storageClass,
               let next = waiting.remove(claim.key, from: previous, passingOn: true) {
                woken.append(next)
            }
            waiting.classOf[claim.key] = storageClass
            if let next = waiting.byClass[storageClass, default: WaitingClaims()].park(claim.key) { woken.append(next) }
            return woken
        }
        for key in woken { wakeTarget.loop?.enqueue(.claim(key)) }
    }

    /// `claim` is bound or deleted: it no longer waits. A wake-up it held goes to the next claim when `passingOn`
    /// (it was deleted, or bound to a volume other than the freed one).
    func unpark(_ claim: PersistentVolumeClaim, passingOn: Bool) {
        let next = waiting.withLock { waiting -> ObjectKey? in
            guard let storageClass = waiting.classOf.removeValue(forKey: claim.key) else { return nil }
            return waiting.remove(claim.key, from: storageClass, passingOn: passingOn)
        }
        if let next { wakeTarget.loop?.enqueue(.claim(next)) }
    }

    private func wake(storageClass: String, _ loop: ReconcileLoop<Binder>) {
        let next = waiting.withLock { $0.byClass[storageClass]?.wakeOne() }
        if let next { loop.enqueue(.claim(next)) }
    }
}

/// A loop held weakly, so the binder can queue the claims it wakes without keeping its loop alive.
final class WeakLoop: @unchecked Sendable {
    private let lock = NSLock()
    private weak var stored: ReconcileLoop<Binder>?
    var loop: ReconcileLoop<Binder>? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

/// The binder's waiting claims: by class, and each claim's class when it started waiting.
struct WaitingByClass {
    var byClass: [String: WaitingClaims] = [:]
    var classOf: [ObjectKey: String] = [:]

    /// Takes `claim` out of `storageClass`'s waiting claims (dropping the class's entry when nothing is left).
    mutating func remove(_ claim: ObjectKey, from storageClass: String, passingOn: Bool) -> ObjectKey? {
        let next = byClass[storageClass]?.remove(claim, passingOn: passingOn)
        if byClass[storageClass]?.isEmpty == true { byClass[storageClass] = nil }
        return next
    }
}
