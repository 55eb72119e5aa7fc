import Foundation
import Hummingbird
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore

extension ResourceHandler {
    func delete(_ request: Request, context: APIRequestContext, key: ObjectKey, query: QueryParameters) async throws -> Response {
        let options = try await deleteOptions(request, context: context, query: query)
        let outcome = try await cluster.delete(T.self, key, options: options)
        // Kubernetes answers with the object: still present with a deletionTimestamp while finalizers run.
        return RESTResponse.json(try encoded(outcome.object))
    }

    func deleteCollection(_ request: Request, context: APIRequestContext, path: ResourcePath, query: QueryParameters) async throws -> Response {
        let options = try await deleteOptions(request, context: context, query: query)
        let objects = try await cluster.listAll(T.self, namespace: path.namespace, labelSelector: query["labelSelector"], fieldSelector: query["fieldSelector"])
        var deleted: [Data] = []
        for object in objects {
            let key = ObjectKey(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
            do {
                deleted.append(try APICodec.encode(try await cluster.delete(T.self, key, options: options).object))
            } catch let error as APIError where error.reason == .notFound {
                continue
            }
        }
        let revision = try await cluster.list(T.self, ListOptions(namespace: path.namespace, limit: 1)).resourceVersion
        return RESTResponse.json(RESTResponse.listBytes(T.resource, items: deleted, resourceVersion: revision, continueToken: nil, remainingItemCount: nil))
    }

    /// Kubernetes' refusal of the older `orphanDependents` together with `propagationPolicy`.
    private static func orphanAndPolicy(_ policy: String?) -> APIError {
        APIError(.invalid, "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"\(policy ?? "")\": orphanDependents and deletionPropagation cannot be both set")
    }

    /// DeleteOptions from the body (if any) and the query: propagationPolicy (or the older orphanDependents),
    /// preconditions, gracePeriodSeconds, dryRun.
    private func deleteOptions(_ request: Request, context: APIRequestContext, query: QueryParameters) async throws -> DeleteOptions {
        var options = DeleteOptions(propagationPolicy: query["propagationPolicy"], dryRun: try query.dryRun())
        _ = try query.integer("gracePeriodSeconds")
        if query["orphanDependents"] != nil {
            guard options.propagationPolicy == nil else { throw Self.orphanAndPolicy(options.propagationPolicy) }
            options.propagationPolicy = query.flag("orphanDependents") ? "Orphan" : "Background"
        }
        if let body = try await RequestBody.value(request, context: context, allowEmpty: true) {
            guard case .object(let members) = body else { throw APIError.badRequest("DeleteOptions must be a JSON object") }
            if let policy = members["propagationPolicy"]?.stringValue { options.propagationPolicy = policy }
            // The older spelling: orphanDependents true is Orphan, false is Background; not both.
            if case .bool(let orphan)? = members["orphanDependents"] {
                guard members["propagationPolicy"]?.stringValue == nil else { throw Self.orphanAndPolicy(options.propagationPolicy) }
                options.propagationPolicy = orphan ? "Orphan" : "Background"
            }
            if let preconditions = members["preconditions"] {
                options.preconditionUID = preconditions["uid"]?.stringValue
                options.preconditionResourceVersion = preconditions["resourceVersion"]?.stringValue
            }
            if let dryRun = members["dryRun"]?.arrayValue, dryRun.contains(.string("All")) { options.dryRun = true }
            if let grace = members["gracePeriodSeconds"], case .number(let text) = grace, (Int(text) ?? -1) < 0 {
                throw APIError(.invalid, "DeleteOptions is invalid: gracePeriodSeconds: Invalid value: \(text): must be greater than or equal to 0")
            }
        }
        if let policy = options.propagationPolicy, !["Orphan", "Background", "Foreground"].contains(policy) {
            throw APIError(.invalid, "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        return options
    }
}
