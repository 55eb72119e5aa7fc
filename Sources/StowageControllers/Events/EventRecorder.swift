import Foundation
import Logging
import StowageAPI
import StowageClient
import Synchronization

/// Records Events through the API, as Kubernetes' event recorder does: an event identical to one this recorder
/// made recently (same object, type, reason and message; the last 4,096 are remembered, as client-go's correlator
/// does) increases that event's `count` and `lastTimestamp` instead of adding another. A failure to record is
/// logged, never thrown: events explain, they do not decide.
///
/// Recording does not wait for the write (client-go's broadcaster does not either): a controller that records
/// three events while provisioning a claim would otherwise wait for three more synced commits. One writer gathers
/// what is recorded over ``gathering`` (20 ms), folds identical events together and writes the rest side by side
/// (32 at a time), so events share a few commits instead of taking one commit each in front of the controllers'
/// own writes (a synced commit costs the same for one row as for a hundred). More than
/// ``capacity`` events waiting: new ones are dropped, with a warning. ``finish()`` writes what is queued and stops.
public final class EventRecorder: Sendable {
    struct Fingerprint: Hashable, Sendable {
        let uid: String
        let type: String
        let reason: String
        let message: String
    }

    struct Pending: Sendable {
        let fingerprint: Fingerprint
        var event: Event
    }

    private let component: String
    private let logger: Logger
    private let queue = EventQueue()
    private let writer: Task<Void, Never>
    private let dropped = Atomic<Int>(0)
    /// Events waiting to be written before new ones are dropped (client-go's recorder drops too when its queue is
    /// full), so a burst of thousands of claims cannot grow memory without bound or delay shutdown.
    public static let capacity = 4_000
    /// How long the writer waits after the first event of a batch for more to join it.
    static let gathering: Duration = .milliseconds(20)

    /// - Parameters:
    ///   - component: the `source.component` and `reportingComponent` of every event (for example
    ///     `persistentvolume-controller`).
    ///   - maximumConcurrentWrites: events written at once, at most (`stowage bench events` compares).
    public init(cluster: any Cluster, component: String, logger: Logger, maximumConcurrentWrites: Int = 32) {
        self.component = component
        self.logger = logger
        let eventWriter = EventWriter(cluster: cluster, logger: logger, maximumConcurrentWrites: maximumConcurrentWrites)
        writer = Task { [queue] in
            while let first = await queue.take() {
                // Let the events of the next moments join this batch: they are written in a few shared commits
                // instead of one commit each in front of the controllers' own writes.
                try? await Task.sleep(for: Self.gathering)
                await eventWriter.write(first + (queue.takeIfAny() ?? []))
            }
        }
    }

    deinit {
        queue.finish()
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
        if queue.push(Pending(fingerprint: fingerprint, event: event), capacity: Self.capacity) == .full {
            let count = dropped.add(1, ordering: .relaxed).newValue
            if count == 1 || count.nonzeroBitCount == 1 {  // the first drop, then at each power of two
                logger.warning("events dropped: more were recorded than can be written", metadata: [
                    "component": "\(component)", "dropped": "\(count)", "reason": "\(reason)"])
            }
        }
    }

    /// Writes every event queued so far, then stops the writer (later events are dropped without a warning: the
    /// component recording them is stopping).
    public func finish() async {
        queue.finish()
        await writer.value
    }

    /// `<object name>.<16 hex digits>`, Kubernetes' shape for event names.
    static func eventName<T: APIObject>(for object: T) -> String {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(object.metadata.name ?? T.resource.plural).\(String(repeating: "0", count: 16 - suffix.count))\(suffix)"
    }
}

