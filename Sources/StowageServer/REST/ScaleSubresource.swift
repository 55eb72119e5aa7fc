import Foundation
import Hummingbird
import StowageAPI
import StowageClient
import StowageJSON

/// `statefulsets/{name}/scale`: an `autoscaling/v1` Scale view of a StatefulSet's replicas; PUT and PATCH change
/// `spec.replicas`.
struct ScaleSubresource {
    let cluster: LocalCluster

    func handle(_ request: Request, context: APIRequestContext, key: ObjectKey, query: QueryParameters) async throws -> Response {
        switch request.method {
        case .get:
            return RESTResponse.json(scale(of: try await cluster.get(StatefulSet.self, key)))
        case .put, .patch:
            let options = try query.writeOptions()
            for _ in 0..<5 {
                var set = try await cluster.get(StatefulSet.self, key)
                let current = scale(of: set)
                let body = try await RequestBody.value(request, context: context) ?? .null
                let desired = request.method == .put
                    ? body : try Patch(mediaType: RequestBody.mediaType(request), body: body).apply(to: current, kind: "Scale")
                guard case .number(let text)? = desired["spec"]?["replicas"], let replicas = Int32(text), replicas >= 0 else {
                    throw APIError(.invalid, "Scale.autoscaling \"\(key.name)\" is invalid: spec.replicas: Invalid value: must be a non-negative integer",
                                   group: "autoscaling", kind: "Scale", name: key.name,
                                   causes: [FieldError(.invalid, FieldPath("spec.replicas"), detail: "must be greater than or equal to 0")])
                }
                if let version = desired["metadata"]?["resourceVersion"]?.stringValue, request.method == .put, version != set.metadata.resourceVersion {
                    throw APIError.conflict(StatefulSet.resource, key.name)
                }
                set.spec?.replicas = replicas
                do {
                    return RESTResponse.json(scale(of: try await cluster.update(set, options: options)))
                } catch let error as APIError where error.reason == .conflict && request.method == .patch {
                    continue
                }
            }
            throw APIError.conflict(StatefulSet.resource, key.name)
        default:
            throw APIError(.methodNotAllowed, "the server does not allow this method on the requested resource")
        }
    }

    private func scale(of set: StatefulSet) -> JSONValue {
        let selector = (set.spec?.selector?.matchLabels ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        var metadata: [JSONObject.Member] = [.init(key: "name", value: .string(set.metadata.name ?? ""))]
        if let namespace = set.metadata.namespace { metadata.append(.init(key: "namespace", value: .string(namespace))) }
        if let uid = set.metadata.uid { metadata.append(.init(key: "uid", value: .string(uid))) }
        if let version = set.metadata.resourceVersion { metadata.append(.init(key: "resourceVersion", value: .string(version))) }
        return .object(JSONObject([
            .init(key: "kind", value: .string("Scale")),
            .init(key: "apiVersion", value: .string("autoscaling/v1")),
            .init(key: "metadata", value: .object(JSONObject(metadata))),
            .init(key: "spec", value: .object(JSONObject([.init(key: "replicas", value: .number(String(set.spec?.replicas ?? 1)))]))),
            .init(key: "status", value: .object(JSONObject([
                .init(key: "replicas", value: .number(String(set.status?.replicas ?? 0))),
                .init(key: "selector", value: .string(selector)),
            ]))),
        ]))
    }
}
