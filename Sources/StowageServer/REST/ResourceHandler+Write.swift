import Foundation
import Hummingbird
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore

extension ResourceHandler {
    func create(_ request: Request, context: APIRequestContext, path: ResourcePath, query: QueryParameters) async throws -> Response {
        let options = try query.writeOptions()
        var (object, warnings) = try await decodeBody(request, context: context, validation: options.fieldValidation)
        try placeInNamespace(&object, path: path)
        let created = try await cluster.create(object, options: options)
        return RESTResponse.json(try encoded(created), status: .created, warnings: warnings + CreationWarnings.of(created))
    }

    func update(_ request: Request, context: APIRequestContext, key: ObjectKey, query: QueryParameters, status: Bool) async throws -> Response {
        let options = try query.writeOptions()
        var (object, warnings) = try await decodeBody(request, context: context, validation: options.fieldValidation)
        try placeInNamespace(&object, path: ResourcePath(group: "", version: "", plural: "", namespace: key.namespace))
        if let name = object.metadata.name, !name.isEmpty, name != key.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        object.metadata.name = key.name
        let updated = status ? try await cluster.updateStatus(object, options: options) : try await cluster.update(object, options: options)
        return RESTResponse.json(try encoded(updated), warnings: warnings)
    }

    func patch(_ request: Request, context: APIRequestContext, key: ObjectKey, query: QueryParameters, status: Bool) async throws -> Response {
        let options = try query.writeOptions()
        let type = RequestBody.mediaType(request)
        let body = try await RequestBody.value(request, context: context) ?? .null
        let patch = try Patch(mediaType: type, body: body)
        guard status else {
            return RESTResponse.json(try encoded(try await cluster.patch(T.self, key, patch, options: options)))
        }
        // The status subresource: apply the patch to the current object and write only its status.
        for _ in 0..<5 {
            let current = try await cluster.get(T.self, key)
            let patched = try patch.apply(to: try APICodec.tree(current), kind: T.resource.kind)
            var object: T
            do {
                object = try APICodec.decode(T.self, from: patched).object
            } catch {
                throw APIError(.invalid, "\(T.resource.kind) \"\(key.name)\" is invalid: \(error.description)",
                               group: T.resource.group, kind: T.resource.plural, name: key.name)
            }
            let pinned = object.metadata.resourceVersion != current.metadata.resourceVersion
            object.metadata.resourceVersion = object.metadata.resourceVersion ?? current.metadata.resourceVersion
            do {
                return RESTResponse.json(try encoded(try await cluster.updateStatus(object, options: options)))
            } catch let error as APIError where error.reason == .conflict && !pinned {
                continue
            }
        }
        throw APIError.conflict(T.resource, key.name)
    }

    /// Decodes the request body as a `T`: its `apiVersion` and `kind` must match the path; unknown fields are
    /// refused (Strict), reported as warnings (Warn) or dropped (Ignore).
    func decodeBody(_ request: Request, context: APIRequestContext, validation: FieldValidation) async throws -> (T, [String]) {
        guard let value = try await RequestBody.value(request, context: context) else {
            throw APIError.badRequest("the request body is empty; expected a \(T.resource.kind)")
        }
        guard case .object(let members) = value else {
            throw APIError.badRequest("the request body must be a JSON object (a \(T.resource.kind)), found \(value.typeName)")
        }
        if let apiVersion = members["apiVersion"]?.stringValue, apiVersion != T.resource.apiVersion {
            throw APIError.badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(T.resource.apiVersion))")
        }
        if let kind = members["kind"]?.stringValue, kind != T.resource.kind {
            throw APIError.badRequest("the kind in the data (\(kind)) does not match the expected kind (\(T.resource.kind))")
        }
        let decoded: Decoded<T>
        do {
            decoded = try APICodec.decode(T.self, from: value)
        } catch {
            throw APIError.badRequest("\(T.resource.kind) in version \"\(T.resource.version)\" cannot be handled as a \(T.resource.kind): \(error.description)")
        }
        let unknown = decoded.unknownFields.filter { !$0.hasPrefix("metadata.managedFields") }
        switch validation {
        case .strict where !unknown.isEmpty:
            throw APIError.badRequest("strict decoding error: " + unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", "))
        case .warn:
            return (decoded.object, unknown.map { "unknown field \"\($0)\"" })
        default:
            return (decoded.object, [])
        }
    }

    /// Sets the object's namespace from the path, refusing a different one in the body.
    func placeInNamespace(_ object: inout T, path: ResourcePath) throws {
        guard T.resource.namespaced else {
            object.metadata.namespace = nil
            return
        }
        if let given = object.metadata.namespace, !given.isEmpty, given != path.namespace {
            throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        object.metadata.namespace = path.namespace
    }
}
