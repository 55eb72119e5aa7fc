/// A report of something that happened to an object (core/v1 Event): what `kubectl describe` shows. Namespaced;
/// names need only be valid path segments.
public struct Event: APIObject, Hashable {
    public static let resource = APIResource(
        group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"])

    public var metadata: ObjectMeta
    /// The object this event is about.
    public var involvedObject: ObjectReference?
    /// Short CamelCase reason (`ProvisioningSucceeded`).
    public var reason: String?
    /// What happened, for people.
    public var message: String?
    /// The component and host that reported the event.
    public var source: EventSource?
    /// When the event was first and last seen, and how many times.
    public var firstTimestamp: Timestamp?
    public var lastTimestamp: Timestamp?
    public var count: Int32?
    /// A value from ``EventType``.
    public var type: String?
    /// When the event was observed, with microseconds (`2026-01-02T15:04:05.000000Z`), for new-style events.
    public var eventTime: String?
    /// Data about a series of repeated events.
    public var series: EventSeries?
    /// What was done or failed (`Binding`), for new-style events.
    public var action: String?
    /// A second object the event concerns.
    public var related: ObjectReference?
    /// The controller that emitted the event (`stowage.dev/binder`).
    public var reportingComponent: String?
    /// The instance of that controller (a host or process id).
    public var reportingInstance: String?

    public init(
        metadata: ObjectMeta, involvedObject: ObjectReference? = nil, reason: String? = nil, message: String? = nil,
        source: EventSource? = nil, firstTimestamp: Timestamp? = nil, lastTimestamp: Timestamp? = nil,
        count: Int32? = nil, type: String? = nil, eventTime: String? = nil, series: EventSeries? = nil,
        action: String? = nil, related: ObjectReference? = nil, reportingComponent: String? = nil,
        reportingInstance: String? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
        self.type = type
        self.eventTime = eventTime
        self.series = series
        self.action = action
        self.related = related
        self.reportingComponent = reportingComponent
        self.reportingInstance = reportingInstance
    }

    /// An event named `name` about `object` (in the object's namespace, or `default` for cluster-scoped ones),
    /// seen once at `time`.
    public init<T: APIObject>(
        name: String, about object: T, type: String = EventType.normal, reason: String, message: String,
        component: String, time: Timestamp = .now()
    ) {
        self.init(
            metadata: ObjectMeta(name: name, namespace: object.metadata.namespace ?? "default"),
            involvedObject: ObjectReference(to: object), reason: reason, message: message,
            source: EventSource(component: component), firstTimestamp: time, lastTimestamp: time, count: 1,
            type: type, reportingComponent: component)
    }

    /// Selectable fields, as Kubernetes' `EventToSelectableFields`: `involvedObject.*`, `reason`, `type`,
    /// `source` (the component, or the reporting component when absent), `reportingComponent`, and metadata.
    public func fieldValue(_ path: String) -> String? {
        let object = involvedObject ?? ObjectReference()
        switch path {
        case "involvedObject.kind": return object.kind ?? ""
        case "involvedObject.namespace": return object.namespace ?? ""
        case "involvedObject.name": return object.name ?? ""
        case "involvedObject.uid": return object.uid ?? ""
        case "involvedObject.apiVersion": return object.apiVersion ?? ""
        case "involvedObject.resourceVersion": return object.resourceVersion ?? ""
        case "involvedObject.fieldPath": return object.fieldPath ?? ""
        case "reason": return reason ?? ""
        case "type": return type ?? ""
        case "reportingComponent": return reportingComponent ?? ""
        case "source":
            if let component = source?.component, !component.isEmpty { return component }
            return reportingComponent ?? ""
        default: return metadata.fieldValue(path)
        }
    }
}

/// Kubernetes' `EventSource`.
public struct EventSource: Codable, Sendable, Hashable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}

/// Kubernetes' `EventSeries`: how often a repeated event has been seen.
public struct EventSeries: Codable, Sendable, Hashable {
    public var count: Int32?
    /// Microsecond time as a string, like ``Event/eventTime``.
    public var lastObservedTime: String?

    public init(count: Int32? = nil, lastObservedTime: String? = nil) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}

/// Values of ``Event/type``.
public enum EventType {
    public static let normal = "Normal"
    public static let warning = "Warning"
}
