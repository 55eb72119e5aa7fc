/// An error of the API, carrying what a Kubernetes `Status` carries: the HTTP code, the `reason`, a message for
/// people, and details (the object's kind and name, field causes). Every layer from the store to the HTTP server
/// throws these, so a client's mistake is never reported as an internal error.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Kubernetes `StatusReason` values Stowage uses, with their HTTP codes.
    public enum Reason: String, Sendable, Hashable {
        case notFound = "NotFound"
        case alreadyExists = "AlreadyExists"
        case conflict = "Conflict"
        case invalid = "Invalid"
        case badRequest = "BadRequest"
        case expired = "Expired"
        case gone = "Gone"
        case unauthorized = "Unauthorized"
        case forbidden = "Forbidden"
        case methodNotAllowed = "MethodNotAllowed"
        case requestEntityTooLarge = "RequestEntityTooLarge"
        case unsupportedMediaType = "UnsupportedMediaType"
        case notAcceptable = "NotAcceptable"
        case timeout = "Timeout"
        case tooManyRequests = "TooManyRequests"
        case serviceUnavailable = "ServiceUnavailable"
        case internalError = "InternalError"

        /// The HTTP status code Kubernetes uses for this reason.
        public var code: Int {
            switch self {
            case .notFound: return 404
            case .alreadyExists, .conflict: return 409
            case .invalid: return 422
            case .badRequest: return 400
            case .expired, .gone: return 410
            case .unauthorized: return 401
            case .forbidden: return 403
            case .methodNotAllowed: return 405
            case .requestEntityTooLarge: return 413
            case .unsupportedMediaType: return 415
            case .notAcceptable: return 406
            case .timeout: return 504
            case .tooManyRequests: return 429
            case .serviceUnavailable: return 503
            case .internalError: return 500
            }
        }
    }

    public var reason: Reason
    public var message: String
    /// The group of the object's kind (empty for core).
    public var group: String?
    /// The object's kind, lower-case plural resource as Kubernetes reports it in details (`persistentvolumeclaims`).
    public var resourceKind: String?
    public var name: String?
    public var causes: [FieldError]

    public init(_ reason: Reason, _ message: String, group: String? = nil, kind: String? = nil, name: String? = nil, causes: [FieldError] = []) {
        self.reason = reason
        self.message = message
        self.group = group
        self.resourceKind = kind
        self.name = name
        self.causes = causes
    }

    public var code: Int { reason.code }
    public var description: String { message }

    /// `persistentvolumeclaims "data" not found`.
    public static func notFound(_ resource: APIResource, _ name: String) -> APIError {
        APIError(.notFound, "\(resource.storageKey) \"\(name)\" not found",
                 group: resource.group, kind: resource.plural, name: name)
    }

    /// `persistentvolumeclaims "data" already exists`.
    public static func alreadyExists(_ resource: APIResource, _ name: String) -> APIError {
        APIError(.alreadyExists, "\(resource.storageKey) \"\(name)\" already exists",
                 group: resource.group, kind: resource.plural, name: name)
    }

    /// Kubernetes' optimistic-concurrency conflict message.
    public static func conflict(_ resource: APIResource, _ name: String, _ detail: String = "the object has been modified; please apply your changes to the latest version and try again") -> APIError {
        APIError(.conflict, "Operation cannot be fulfilled on \(resource.storageKey) \"\(name)\": \(detail)",
                 group: resource.group, kind: resource.plural, name: name)
    }

    /// `PersistentVolumeClaim "data" is invalid: [spec.x: Required value, ...]`.
    public static func invalid(_ resource: APIResource, _ name: String, _ causes: [FieldError]) -> APIError {
        let list = causes.map(\.description)
        let joined = list.count == 1 ? list[0] : "[" + list.joined(separator: ", ") + "]"
        return APIError(.invalid, "\(resource.kind) \"\(name)\" is invalid: \(joined)",
                        group: resource.group, kind: resource.kind, name: name, causes: causes)
    }

    /// A watch or list continuation from a revision that compaction removed.
    public static func expired(_ message: String) -> APIError { APIError(.expired, message) }

    /// A malformed request.
    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }
}
