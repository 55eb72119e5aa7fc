import Hummingbird
import StowageAPI
import StowageJSON

/// The self-review APIs behind kubectl's `auth` commands: `kubectl auth can-i` creates a
/// SelfSubjectAccessReview, `kubectl auth can-i --list` a SelfSubjectRulesReview (both `authorization.k8s.io/v1`),
/// and `kubectl auth whoami` a SelfSubjectReview (`authentication.k8s.io/v1`). Stowage authorizes nothing beyond
/// authentication: whoever authenticated on the TCP port, or can open the 0600 Unix socket, may do everything,
/// and the reviews say exactly that. Like Kubernetes, each is create-only and nothing is stored. kubectl's typed
/// clients send these bodies as protobuf; the answer is JSON, which they read as well.
enum SelfReviews {
    struct Review: Sendable {
        let group: String
        let kind: String
        let plural: String
    }

    static let version = "v1"
    static let reviews = [
        Review(group: "authentication.k8s.io", kind: "SelfSubjectReview", plural: "selfsubjectreviews"),
        Review(group: "authorization.k8s.io", kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews"),
        Review(group: "authorization.k8s.io", kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews"),
    ]

    /// The user a request on the Unix socket is: whoever could open it (the socket is the state directory
    /// owner's alone).
    static let socketUser = AuthenticatedUser(name: "stowage:local-socket", groups: ["system:masters"])

    /// Why every review is allowed, in the words of the answer.
    static let reason = "Stowage allows every authenticated user every verb on every resource"

    /// The groups the reviews live in, in order.
    static var groups: [String] {
        reviews.reduce(into: [String]()) { groups, review in if !groups.contains(review.group) { groups.append(review.group) } }
    }

    /// The discovery entries of `group`'s reviews, or nil when `group` has none.
    static func resourceList(group: String, version: String) -> JSONValue? {
        let served = reviews.filter { $0.group == group }
        guard version == self.version, !served.isEmpty else { return nil }
        let entries = served.map { review in
            DiscoveryDocuments.object([
                ("name", .string(review.plural)), ("singularName", .string(review.kind.lowercased())),
                ("namespaced", .bool(false)), ("kind", .string(review.kind)), ("verbs", .array([.string("create")])),
            ])
        }
        return DiscoveryDocuments.object([
            ("kind", .string("APIResourceList")), ("apiVersion", .string("v1")),
            ("groupVersion", .string("\(group)/\(version)")), ("resources", .array(entries)),
        ])
    }

    /// The review created at `group/version/plural`, if that is one.
    static func review(group: String, version: String, plural: String) -> Review? {
        guard version == self.version else { return nil }
        return reviews.first { $0.group == group && $0.plural == plural }
    }

    /// Answers a POST of `review`: the body (JSON, YAML, or the protobuf kubectl's typed clients send) comes
    /// back as JSON with its status filled in, 201 Created.
    static func handle(_ review: Review, _ request: Request, context: APIRequestContext) async throws -> Response {
        let body = try await RequestBody.value(request, context: context)
        return RESTResponse.json(try answer(review, to: body, user: context.user ?? socketUser), status: .created)
    }

    /// The review `body` sent back with its status filled in.
    /// - Throws: ``APIError`` BadRequest for a body of another kind, Invalid naming the missing or conflicting
    ///   spec fields.
    static func answer(_ review: Review, to body: JSONValue?, user: AuthenticatedUser) throws -> JSONValue {
        guard case .object(var object)? = body else { throw APIError.badRequest("the request body must be a \(review.kind) object") }
        let apiVersion = "\(review.group)/\(version)"
        if let kind = object["kind"], kind != .string(review.kind) {
            throw APIError.badRequest("the body is a \(kind.stringValue ?? "\(kind)"), not a \(review.kind); this path takes only \(review.kind)")
        }
        if let sent = object["apiVersion"], sent != .string(apiVersion) {
            throw APIError.badRequest("the body's apiVersion is \(sent.stringValue ?? "\(sent)"); this path takes \(apiVersion)")
        }
        object["kind"] = .string(review.kind)
        object["apiVersion"] = .string(apiVersion)
        object["metadata"] = object["metadata"] ?? .object(JSONObject())
        let resource = APIResource(group: review.group, version: version, kind: review.kind, plural: review.plural, namespaced: false)
        switch review.kind {
        case "SelfSubjectAccessReview":
            let spec = object["spec"]?.objectValue
            let attributes = ["resourceAttributes", "nonResourceAttributes"].filter { spec?[$0]?.objectValue != nil }
            guard attributes.count == 1 else {
                throw APIError.invalid(resource, "", [FieldError(.invalid, "spec.resourceAttributes", value: attributes.isEmpty ? "null" : "both",
                                                                 detail: "exactly one of nonResourceAttributes or resourceAttributes must be specified")])
            }
            object["status"] = DiscoveryDocuments.object([("allowed", .bool(true)), ("reason", .string(reason))])
        case "SelfSubjectRulesReview":
            let everything: JSONValue = .array([.string("*")])
            object["status"] = DiscoveryDocuments.object([
                ("resourceRules", .array([DiscoveryDocuments.object([("verbs", everything), ("apiGroups", everything), ("resources", everything)])])),
                ("nonResourceRules", .array([DiscoveryDocuments.object([("verbs", everything), ("nonResourceURLs", everything)])])),
                ("incomplete", .bool(false)),
            ])
        default:
            let groups = user.groups + (user.groups.contains("system:authenticated") ? [] : ["system:authenticated"])
            object["status"] = DiscoveryDocuments.object([("userInfo", DiscoveryDocuments.object([
                ("username", .string(user.name)), ("groups", .array(groups.map(JSONValue.string))),
            ]))])
        }
        return .object(object)
    }
}
