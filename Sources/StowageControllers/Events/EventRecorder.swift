import Foundation
import Logging
import StowageAPI
import StowageClient
import Synchronization

/// Records Events through the API, as Kubernetes' event recorder does: an event identical to one this recorder
/// made before (same object, type, reason and message) increases that event's `count` and `lastTimestamp`
/// instead of adding another. A failure to record is logged, never thrown: events explain, they do not decide.
///
/// Recording does not wait for the write (client-go's broadcaster does not either): a controller that records
/// three events while provisioning a claim would otherwise wait for three more synced commits. Events go to a
/// few writer lanes, chosen by the event's identity, so identical events are written one after the other (and
/// counted) while different ones are written side by side; a lane that falls more than ``laneCapacity`` events
/// behind drops new ones, with a warning. ``finish()`` writes what is queued and stops.
public final class EventRecorder: Sendable {
    fileprivate struct Fingerprint: Hashable, Sendable {
        let uid: String
        let type: String
        let reason: String
        let message: String
    }

    fileprivate struct Pending: Sendable {
        let fingerprint: Fingerprint
        let event: Event
    }

    private let component: String
    private let logger: Logger
    private let lanes: [AsyncStream<Pending>.Continuation]
    private let writers: [Task<Void, Never>]
    private let dropped = Atomic<Int>(0)
    private static let laneCount = 4
    /// Events a lane holds before it drops new ones (client-go's recorder drops too when its queue is full), so a
    /// burst of thousands of claims cannot grow memory without bound or delay shutdown.
    static let laneCapacity = 1_000

    /// - Parameter component: the `source.component` and `reportingComponent` of every event (for example
    ///   `persistentvolume-controller`).
    public init(cluster: any Cluster, component: String, logger: Logger) {
        self.component = component
        self.logger = logger
        let writer = EventWriter(cluster: cluster, logger: logger)
        var lanes: [AsyncStream<Pending>.Continuation] = []
        var writers: [Task<Void, Never>] = []
        for _ in 0..<Self.laneCount {
            let (stream, continuation) = AsyncStream<Pending>.makeStream(bufferingPolicy: .bufferingOldest(Self.laneCapacity))
            lanes.append(continuation)
            writers.append(Task {
                for await pending in stream { await writer.write(pending) }
            })
        }
        self.lanes = lanes
        self.writers = writers
    }

    deinit {
        for lane in lanes { lane.finish() }
    }

    /// Records a Normal event about `object` (queued; returns at once).
    public func normal<T: APIObject>(_ object: T, reason: String, _ message: String) {
        record(object, type: EventType.normal, reason: reason, message)
    }

    /// Records a Warning event about `object` (queued; returns at once).
    public func warning<T: APIObject>(_ object: T, reason: String, _ message: String) {
        record(object, type: EventType.warning, reason: reason, message)
    }

    /// Queues an event, or a count of the identical one this recorder made before; returns at once.
    public func record<T: APIObject>(_ object: T, type: String, reason: String, _ message: String) {
        let fingerprint = Fingerprint(uid: object.metadata.uid ?? "\(T.resource.kind)/\(object.metadata.name ?? "")",
                                      type: type, reason: reason, message: message)
        var event = Event(name: Self.eventName(for: object), about: object, type: type, reason: reason,
                          message: message, component: component)
        if !T.resource.namespaced { event.metadata.namespace = "default" }
        let lane = Int(UInt(bitPattern: fingerprint.hashValue) % UInt(lanes.count))
        if case .dropped = lanes[lane].yield(Pending(fingerprint: fingerprint, event: event)) {
            let count = dropped.add(1, ordering: .relaxed).newValue
            if count == 1 || count.nonzeroBitCount == 1 {  // the first drop, then at each power of two
                logger.warning("events dropped: more were recorded than can be written", metadata: [
                    "component": "\(component)", "dropped": "\(count)", "reason": "\(reason)"])
            }
        }
    }

    /// Writes every event queued so far, then stops the writers (later events are dropped).
    public func finish() async {
        for lane in lanes { lane.finish() }
        for writer in writers { await writer.value }
    }

    /// `<object name>.<16 hex digits>`, Kubernetes' shape for event names.
    static func eventName<T: APIObject>(for object: T) -> String {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(object.metadata.name ?? T.resource.plural).\(String(repeating: "0", count: 16 - suffix.count))\(suffix)"
    }
}

/// Writes queued events: creates each, or counts it when its identical twin was written before.
private final class EventWriter: Sendable {
    private let cluster: any Cluster
    private let logger: Logger
    private let recorded = Mutex<[EventRecorder.Fingerprint: ObjectKey]>([:])

    init(cluster: any Cluster, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
    }

    func write(_ pending: EventRecorder.Pending) async {
        do {
            if let existing = recorded.withLock({ $0[pending.fingerprint] }), try await count(existing) {
                return
            }
            let created = try await cluster.create(pending.event)
            recorded.withLock { $0[pending.fingerprint] = ObjectKey(namespace: created.metadata.namespace, name: created.metadata.name ?? "") }
        } catch {
            logger.warning("could not record event", metadata: [
                "reason": "\(pending.event.reason ?? "")", "object": "\(pending.event.involvedObject?.name ?? "")", "error": "\(error)"])
        }
    }

    /// Adds one to a recorded event's count; false when it is gone (expired or deleted by a user).
    private func count(_ key: ObjectKey) async throws -> Bool {
        guard var event = try await cluster.getIfPresent(Event.self, key) else { return false }
        event.count = (event.count ?? 1) + 1
        event.lastTimestamp = .now()
        do {
            _ = try await cluster.update(event)
        } catch let error as APIError where error.reason == .notFound {
            return false
        } catch let error as APIError where error.reason == .conflict {
            return try await count(key)
        }
        return true
    }
}
