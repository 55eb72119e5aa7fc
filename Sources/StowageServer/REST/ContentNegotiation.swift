import Hummingbird

/// What the client asked for in `Accept`: Kubernetes JSON (also the answer to protobuf and YAML requests), or a
/// `meta.k8s.io/v1` Table.
struct ContentNegotiation: Sendable, Equatable {
    /// What to put in a Table row's `object`: `includeObject=None|Metadata|Object`.
    enum IncludeObject: String, Sendable { case none = "None", metadata = "Metadata", object = "Object" }

    var table: Bool
    var includeObject: IncludeObject

    /// Reads `Accept` (`application/json;as=Table;v=v1;g=meta.k8s.io, application/json` asks for a Table) and
    /// the `includeObject` query parameter.
    init(_ request: Request, query: QueryParameters) {
        let accept = request.headers[.accept] ?? ""
        table = accept.split(separator: ",").contains { part in
            let parameters = part.split(separator: ";").map { String($0.trimmingHTTPSpaces()) }
            return parameters.contains("as=Table") && !parameters.contains { $0.hasPrefix("g=") && $0 != "g=meta.k8s.io" }
        }
        includeObject = query["includeObject"].flatMap(IncludeObject.init(rawValue:)) ?? .metadata
    }
}
