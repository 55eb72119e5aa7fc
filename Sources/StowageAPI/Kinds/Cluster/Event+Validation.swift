/// Event validation, following Kubernetes' `legacyValidateEvent` as applied to core/v1 Events.
extension Event {
    /// Kubernetes' limits on new-style event fields.
    static let reportingInstanceLimit = 128
    static let actionLimit = 128
    static let reasonLimit = 128
    static let messageLimit = 1024

    /// Old-style events (no `eventTime`) must have `involvedObject.namespace` equal to their namespace (an empty
    /// one is allowed in `default`); new-style events also need a reporting component and instance, an action and
    /// a reason, within Kubernetes' length limits.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: true, nameRule: .pathSegment)
        errors += validateFields()
        return errors
    }

    /// Kubernetes keeps no Event field immutable: an update is checked by ``validate()`` alone (run by the
    /// caller), plus the metadata rules.
    public func validateUpdate(from old: Event) -> [FieldError] {
        ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
    }

    private func validateFields() -> [FieldError] {
        var errors: [FieldError] = []
        let namespace = metadata.namespace ?? ""
        let objectNamespace = involvedObject?.namespace ?? ""
        let mismatch = FieldError.invalid(
            FieldPath("involvedObject").child("namespace"), objectNamespace, "does not match event.namespace")
        if (eventTime ?? "").isEmpty {
            if objectNamespace.isEmpty {
                if !namespace.isEmpty && namespace != "default" { errors.append(mismatch) }
            } else if namespace != objectNamespace {
                errors.append(mismatch)
            }
        } else {
            if objectNamespace.isEmpty && namespace != "default" && namespace != "kube-system" {
                errors.append(mismatch)
            }
            let component = reportingComponent ?? ""
            if component.isEmpty { errors.append(.required("reportingComponent")) }
            errors += StorageValidation.qualifiedName(component, "reportingComponent")
            errors += requiredWithin(reportingInstance, "reportingInstance", limit: Self.reportingInstanceLimit)
            errors += requiredWithin(action, "action", limit: Self.actionLimit)
            errors += requiredWithin(reason, "reason", limit: Self.reasonLimit)
            if (message ?? "").utf8.count > Self.messageLimit {
                errors.append(.invalid("message", "", "can have at most \(Self.messageLimit) characters"))
            }
        }
        errors += NameValidation.dns1123Label(namespace).map { .invalid("namespace", namespace, $0) }
        return errors
    }

    /// `field: Required value` when empty, `field: Invalid value: "": can have at most N characters` when too long.
    private func requiredWithin(_ value: String?, _ field: String, limit: Int) -> [FieldError] {
        let value = value ?? ""
        if value.isEmpty { return [.required(FieldPath(field))] }
        if value.utf8.count > limit {
            return [.invalid(FieldPath(field), "", "can have at most \(limit) characters")]
        }
        return []
    }
}
