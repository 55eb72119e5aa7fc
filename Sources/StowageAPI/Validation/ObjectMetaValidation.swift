// PLACEHOLDER — the validation helper replaces this with Kubernetes' full metadata rules (DNS-1123 names,
// label/annotation keys and values, generateName, immutable uid/creationTimestamp/namespace/name).

/// Validation of `metadata`, shared by every kind.
public enum ObjectMetaValidation {
    /// Validates a new object's metadata. `namespaced` says whether a namespace is required (or forbidden);
    /// `nameRule` is the kind's name rule.
    public static func validate(_ meta: ObjectMeta, namespaced: Bool, nameRule: NameValidation.NameRule = .dns1123Subdomain, path: FieldPath = "metadata") -> [FieldError] {
        var errors: [FieldError] = []
        if (meta.name ?? "").isEmpty && (meta.generateName ?? "").isEmpty {
            errors.append(.required(path.child("name"), "name or generateName is required"))
        }
        return errors
    }

    /// Validates the metadata changes of an update.
    public static func validateUpdate(_ meta: ObjectMeta, old: ObjectMeta, path: FieldPath = "metadata") -> [FieldError] {
        []
    }
}
