/// Which fields each kind can be selected on, as Kubernetes registers them (its field label conversion
/// functions). Every kind supports `metadata.name` and `metadata.namespace`; the table lists the extra ones.
///
/// Kinds should answer the same fields from ``APIObject/fieldValue(_:)``; the API server uses this table to
/// reject `?fieldSelector=` with an unsupported field before listing (`field label not supported: spec.foo`).
public enum FieldSelectorFields {
    /// The fields every kind supports.
    public static let common: Set<String> = ["metadata.name", "metadata.namespace"]

    /// Extra fields per `kind`.
    public static let extra: [String: Set<String>] = [
        "Pod": ["spec.nodeName", "status.phase"],
        "PersistentVolumeClaim": ["spec.volumeName", "status.phase"],
        "PersistentVolume": ["spec.claimRef.name", "spec.claimRef.namespace", "status.phase"],
        "Event": [
            "involvedObject.kind", "involvedObject.name", "involvedObject.namespace", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "type", "source",
        ],
        "Node": ["spec.unschedulable"],
        "Namespace": ["status.phase"],
        "StatefulSet": [],
    ]

    /// The fields `kind` supports: the common ones plus its extras.
    public static func supported(kind: String) -> Set<String> {
        common.union(extra[kind] ?? [])
    }

    /// Checks `selector` against the fields `kind` supports.
    /// - Throws: ``FieldSelectorError/unsupportedField(_:)`` for the first unsupported field.
    public static func validate(_ selector: FieldSelector, kind: String) throws(FieldSelectorError) {
        try selector.validate(supportedFields: supported(kind: kind))
    }
}
