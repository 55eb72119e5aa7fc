import Foundation

/// Validation of `metadata`, shared by every kind, with Kubernetes' rules and messages
/// (apimachinery `ValidateObjectMeta` / `ValidateObjectMetaUpdate`).
public enum ObjectMetaValidation {
    /// The most bytes all annotation keys and values may take together (256 KiB).
    public static let totalAnnotationSizeLimit = 256 * 1024

    /// Validates a new object's metadata.
    ///
    /// - `name` is required unless `generateName` is set (the store then generates the name); each is checked
    ///   with `nameRule`, `generateName` as a prefix (a trailing `-` is fine).
    /// - `namespace`: required (`Required value`) when `namespaced`, a DNS-1123 label; forbidden otherwise
    ///   (`Forbidden: not allowed on this type`).
    /// - labels, annotations (keys checked lower-cased, total size at most 256 KiB), finalizers (qualified names,
    ///   no duplicates, not both `orphan` and `foregroundDeletion`), ownerReferences (apiVersion, kind, name and
    ///   uid required, at most one controller).
    /// - Returns: every problem, in field order.
    public static func validate(_ meta: ObjectMeta, namespaced: Bool, nameRule: NameValidation.NameRule = .dns1123Subdomain, path: FieldPath = "metadata") -> [FieldError] {
        var errors: [FieldError] = []
        let name = meta.name ?? ""
        let generateName = meta.generateName ?? ""
        if !generateName.isEmpty {
            for message in NameValidation.check(generateName, nameRule, prefix: true) {
                errors.append(.invalid(path.child("generateName"), generateName, message))
            }
        }
        if name.isEmpty {
            if generateName.isEmpty {
                errors.append(.required(path.child("name"), "name or generateName is required"))
            }
        } else {
            for message in NameValidation.check(name, nameRule) {
                errors.append(.invalid(path.child("name"), name, message))
            }
        }
        let namespace = meta.namespace ?? ""
        if namespaced {
            if namespace.isEmpty {
                errors.append(.required(path.child("namespace")))
            } else {
                for message in NameValidation.dns1123Label(namespace) {
                    errors.append(.invalid(path.child("namespace"), namespace, message))
                }
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden(path.child("namespace"), "not allowed on this type"))
        }
        if let generation = meta.generation, generation < 0 {
            errors.append(.invalid(path.child("generation"), number: generation, "must be greater than or equal to 0"))
        }
        errors += validateLabels(meta.labels, path.child("labels"))
        errors += validateAnnotations(meta.annotations, path.child("annotations"))
        errors += validateOwnerReferences(meta.ownerReferences, path.child("ownerReferences"))
        errors += validateFinalizers(meta.finalizers, path.child("finalizers"))
        return errors
    }

    /// Validates the metadata changes of an update of `old` into `meta`: `name`, `namespace`, `uid` and
    /// `creationTimestamp` are immutable (`Invalid value: "b": field is immutable`); `generateName` may change;
    /// an object being deleted may not gain finalizers. The caller runs ``validate(_:namespaced:nameRule:path:)``
    /// on the new metadata separately. `resourceVersion`, `generation` and the deletion fields are the store's
    /// business and not checked here.
    public static func validateUpdate(_ meta: ObjectMeta, old: ObjectMeta, path: FieldPath = "metadata") -> [FieldError] {
        var errors: [FieldError] = []
        if old.deletionTimestamp != nil {
            let added = Set(meta.finalizers ?? []).subtracting(old.finalizers ?? []).sorted()
            if !added.isEmpty {
                let list = "[]string{" + added.map(FieldError.quoted).joined(separator: ", ") + "}"
                errors.append(.forbidden(path.child("finalizers"),
                                         "no new finalizers can be added if the object is being deleted, found new finalizers \(list)"))
            }
        }
        errors += immutable(meta.name ?? "", old.name ?? "", path.child("name"))
        errors += immutable(meta.namespace ?? "", old.namespace ?? "", path.child("namespace"))
        errors += immutable(meta.uid ?? "", old.uid ?? "", path.child("uid"))
        if meta.creationTimestamp != old.creationTimestamp {
            errors.append(.invalid(path.child("creationTimestamp"), meta.creationTimestamp?.description ?? "null", "field is immutable"))
        }
        return errors
    }

    /// `field: Invalid value: "new": field is immutable` when the value changed.
    public static func immutable(_ new: String, _ old: String, _ field: FieldPath) -> [FieldError] {
        new == old ? [] : [.invalid(field, new, "field is immutable")]
    }

    /// Label keys must be qualified names and values label values; errors carry the map's path.
    public static func validateLabels(_ labels: [String: String]?, _ path: FieldPath) -> [FieldError] {
        guard let labels, !labels.allSatisfy({ NameValidation.isQualifiedName($0.key) && NameValidation.isLabelValue($0.value) }) else {
            return []
        }
        var errors: [FieldError] = []
        for key in labels.keys.sorted() {
            errors += NameValidation.qualifiedName(key).map { .invalid(path, key, $0) }
            let value = labels[key] ?? ""
            errors += NameValidation.labelValue(value).map { .invalid(path, value, $0) }
        }
        return errors
    }

    /// Annotation keys must be qualified names (case ignored); keys and values together at most 256 KiB.
    public static func validateAnnotations(_ annotations: [String: String]?, _ path: FieldPath) -> [FieldError] {
        guard let annotations else { return [] }
        var errors: [FieldError] = []
        var size = 0
        var keysValid = true
        for (key, value) in annotations {
            size += key.utf8.count + value.utf8.count
            if keysValid && !NameValidation.isQualifiedName(key, ignoringCase: true) { keysValid = false }
        }
        if !keysValid {
            for key in annotations.keys.sorted() {
                errors += NameValidation.qualifiedName(key.lowercased()).map { .invalid(path, key, $0) }
            }
        }
        if size > totalAnnotationSizeLimit {
            errors.append(FieldError(.tooLong, path, detail: "must have at most \(totalAnnotationSizeLimit) bytes"))
        }
        return errors
    }

    /// Finalizers must be qualified names, appear once, and not combine `orphan` with `foregroundDeletion`.
    public static func validateFinalizers(_ finalizers: [String]?, _ path: FieldPath) -> [FieldError] {
        guard let finalizers else { return [] }
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (index, finalizer) in finalizers.enumerated() {
            errors += NameValidation.qualifiedName(finalizer).map { .invalid(path, finalizer, $0) }
            if !seen.insert(finalizer).inserted {
                errors.append(.duplicate(path.index(index), finalizer))
            }
        }
        if seen.contains("orphan") && seen.contains("foregroundDeletion") {
            let list = "[]string{" + finalizers.map(FieldError.quoted).joined(separator: ", ") + "}"
            errors.append(FieldError(.invalid, path, value: list, detail: "finalizer orphan and foregroundDeletion cannot be both set"))
        }
        return errors
    }

    /// Each reference needs apiVersion (with a version), kind, name and uid; at most one may be the controller.
    public static func validateOwnerReferences(_ references: [OwnerReference]?, _ path: FieldPath) -> [FieldError] {
        guard let references else { return [] }
        var errors: [FieldError] = []
        var firstController: String?
        for reference in references {
            if version(of: reference.apiVersion).isEmpty {
                errors.append(.invalid(path.child("apiVersion"), reference.apiVersion, "version must not be empty"))
            }
            if reference.kind.isEmpty { errors.append(.invalid(path.child("kind"), "", "must not be empty")) }
            if reference.name.isEmpty { errors.append(.invalid(path.child("name"), "", "must not be empty")) }
            if reference.uid.isEmpty { errors.append(.invalid(path.child("uid"), "", "must not be empty")) }
            guard reference.controller == true else { continue }
            let current = "\(reference.kind)/\(reference.name)"
            if let first = firstController {
                errors.append(FieldError(.invalid, path, value: render(references),
                                         detail: "Only one reference can have Controller set to true. Found \"true\" in references for \(first) and \(current)"))
            } else {
                firstController = current
            }
        }
        return errors
    }

    /// The version part of `group/version` or `version`; empty when malformed.
    static func version(of apiVersion: String) -> String {
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return String(parts[0])
        case 2: return String(parts[1])
        default: return ""
        }
    }

    /// The references as compact JSON, to show the offending value.
    static func render(_ references: [OwnerReference]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(references) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }
}
