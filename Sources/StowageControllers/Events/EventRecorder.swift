import Foundation
import Logging
import StowageAPI
import StowageClient
import Synchronization

/// Records Events through the API, as Kubernetes' event recorder does: an event identical to one this recorder
/// made before (same object, type, reason and message) increases that event's `count` and `lastTimestamp`
/// instead of adding another. A failure to record is logged, never thrown: events explain, they do not decide.
public final class EventRecorder: Sendable {
    private struct Fingerprint: Hashable {
        let uid: String
        let type: String
        let reason: String
        let message: String
    }

    private let cluster: any Cluster
    private let component: String
    private let logger: Logger
    private let recorded = Mutex<[Fingerprint: ObjectKey]>([:])

    /// - Parameter component: the `source.component` and `reportingComponent` of every event (for example
    ///   `persistentvolume-controller`).
    public init(cluster: any Cluster, component: String, logger: Logger) {
        self.cluster = cluster
        self.component = component
        self.logger = logger
    }

    /// Records a Normal event about `object`.
    public func normal<T: APIObject>(_ object: T, reason: String, _ message: String) async {
        await record(object, type: EventType.normal, reason: reason, message)
    }

    /// Records a Warning event about `object`.
    public func warning<T: APIObject>(_ object: T, reason: String, _ message: String) async {
        await record(object, type: EventType.warning, reason: reason, message)
    }

    /// Records an event, or counts it when this recorder made the identical one before.
    public func record<T: APIObject>(_ object: T, type: String, reason: String, _ message: String) async {
        let fingerprint = Fingerprint(uid: object.metadata.uid ?? "\(T.resource.kind)/\(object.metadata.name ?? "")",
                                      type: type, reason: reason, message: message)
        do {
            if let existing = recorded.withLock({ $0[fingerprint] }), try await count(existing) {
                return
            }
            var event = Event(name: Self.eventName(for: object), about: object, type: type, reason: reason,
                              message: message, component: component)
            if !T.resource.namespaced { event.metadata.namespace = "default" }
            let created = try await cluster.create(event)
            recorded.withLock { $0[fingerprint] = ObjectKey(namespace: created.metadata.namespace, name: created.metadata.name ?? "") }
        } catch where Task.isCancelled {
            return
        } catch {
            logger.warning("could not record event", metadata: ["reason": "\(reason)", "object": "\(object.metadata.name ?? "")", "error": "\(error)"])
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

    /// `<object name>.<16 hex digits>`, Kubernetes' shape for event names.
    static func eventName<T: APIObject>(for object: T) -> String {
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(object.metadata.name ?? T.resource.plural).\(String(repeating: "0", count: 16 - suffix.count))\(suffix)"
    }
}
