import Foundation
import StowageAPI
import StowageJSON

/// A patch to apply to an object, in one of the three forms the Kubernetes API accepts.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`): objects merge recursively, `null` removes a
    /// field, anything else (lists included) replaces.
    case merge(JSONValue)
    /// Kubernetes' strategic merge patch (`application/strategic-merge-patch+json`): a merge patch in which the
    /// lists Kubernetes marks as mergeable merge by their key (containers by `name`, …) and `$patch`
    /// directives delete or replace. See ``StrategicMergePatch``.
    case strategicMerge(JSONValue)
    /// RFC 6902 JSON patch (`application/json-patch+json`): a list of `add`, `remove`, `replace`, `move`, `copy`
    /// and `test` operations.
    case json([JSONValue])

    /// The media types of the three forms, as sent in `Content-Type`.
    public enum MediaType {
        public static let merge = "application/merge-patch+json"
        public static let strategicMerge = "application/strategic-merge-patch+json"
        public static let json = "application/json-patch+json"
        public static let apply = "application/apply-patch+yaml"
    }

    /// The `Content-Type` a client sends this patch with.
    public var contentType: String {
        switch self {
        case .merge: return MediaType.merge
        case .strategicMerge: return MediaType.strategicMerge
        case .json: return MediaType.json
        }
    }

    /// The patch body a client sends.
    public var body: JSONValue {
        switch self {
        case .merge(let value), .strategicMerge(let value): return value
        case .json(let operations): return .array(operations)
        }
    }

    /// Builds a patch from a request's media type (parameters such as `; charset=utf-8` are ignored) and body.
    /// - Throws: ``APIError`` UnsupportedMediaType for another media type (server-side apply included);
    ///   BadRequest when a JSON patch is not a list or a merge patch is not an object.
    public init(mediaType: String, body: JSONValue) throws(APIError) {
        let type = mediaType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case MediaType.merge, MediaType.strategicMerge:
            guard case .object = body else {
                throw APIError.badRequest("the body of a \(type) patch must be a JSON object, found \(body.typeName)")
            }
            self = type == MediaType.merge ? .merge(body) : .strategicMerge(body)
        case MediaType.json:
            guard case .array(let operations) = body else {
                throw APIError.badRequest("json patch must be a list of operations, found \(body.typeName)")
            }
            self = .json(operations)
        case MediaType.apply:
            throw APIError(.unsupportedMediaType, "server-side apply (application/apply-patch+yaml) is not supported by Stowage; use client-side `kubectl apply` (the default) or a merge, strategic merge or json patch")
        default:
            throw APIError(.unsupportedMediaType, "the body of the request was in an unknown format - accepted media types include: \(MediaType.json), \(MediaType.merge), \(MediaType.strategicMerge)")
        }
    }

    /// Applies the patch to the JSON of an object of `kind` (which decides the strategic merge keys).
    /// - Throws: ``APIError`` Invalid when a JSON patch operation fails (a missing path, a failed `test`) or a
    ///   strategic directive is malformed.
    public func apply(to document: JSONValue, kind: String) throws(APIError) -> JSONValue {
        switch self {
        case .merge(let patch): return MergePatch.apply(patch, to: document)
        case .strategicMerge(let patch): return try StrategicMergePatch.apply(patch, to: document, kind: kind)
        case .json(let operations): return try JSONPatch.apply(operations, to: document)
        }
    }
}
