/// One revision of a StatefulSet's pod template (apps/v1 ControllerRevision), owned by its set and named
/// `<set>-<hash>`. The StatefulSet controller records one per template it has seen, so pods that must stay at an
/// older revision (below a `partition`, or under `OnDelete`) are made again from the template they had.
///
/// Kubernetes' `data` is any object; Stowage models the form the StatefulSet controller writes,
/// `{"spec": {"template": …}}`.
public struct ControllerRevision: APIObject {
    public static let resource = APIResource(
        group: "apps", version: "v1", kind: "ControllerRevision", plural: "controllerrevisions", namespaced: true)

    public var metadata: ObjectMeta
    /// The recorded state; immutable.
    public var data: ControllerRevisionData?
    /// The revision number; increases with each new template.
    public var revision: Int64?

    public init(metadata: ObjectMeta, data: ControllerRevisionData? = nil, revision: Int64? = nil) {
        self.metadata = metadata
        self.data = data
        self.revision = revision
    }

    /// Kubernetes' `ValidateControllerRevision`: a DNS subdomain name, `data` present, `revision` not negative.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: true, nameRule: .dns1123Subdomain)
        if data == nil { errors.append(.required(FieldPath("data"), "")) }
        if let revision, revision < 0 {
            errors.append(.invalid(FieldPath("revision"), number: revision, "must be greater than or equal to 0"))
        }
        return errors
    }

    /// Kubernetes' `ValidateControllerRevisionUpdate`: `data` is immutable.
    public func validateUpdate(from old: ControllerRevision) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata) + validate()
        errors += StorageValidation.immutableField(data, old.data, FieldPath("data"), shown: StorageValidation.shownJSON(data))
        return errors
    }
}

/// `ControllerRevision.data` as the StatefulSet controller writes it.
public struct ControllerRevisionData: Codable, Sendable, Equatable {
    public var spec: Spec?

    /// The recorded part of the set's spec.
    public struct Spec: Codable, Sendable, Equatable {
        public var template: PodTemplateSpec?
        public init(template: PodTemplateSpec?) { self.template = template }
    }

    public init(template: PodTemplateSpec?) { self.spec = Spec(template: template) }
}
