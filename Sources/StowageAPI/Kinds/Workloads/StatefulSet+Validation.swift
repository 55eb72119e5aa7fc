// StatefulSet create and update validation (pkg/apis/apps/validation ValidateStatefulSet*).

extension StatefulSet {
    /// Validates a new StatefulSet with Kubernetes' rules and messages. Beyond Kubernetes, the template's pod
    /// spec (with the claim templates counted as volumes) and each claim template are validated too, so a set
    /// whose pods or claims could never be created is refused up front instead of failing later. The name must
    /// be a DNS label, as in current Kubernetes, since it becomes the pods' hostnames.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: true, nameRule: .dns1123Label)
        errors += (spec ?? StatefulSetSpec()).validate(at: "spec")
        return errors
    }

    /// The message Kubernetes gives when an update changes an immutable part of the spec.
    public static let immutableSpecMessage =
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        + "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"

    /// Validates an update: only replicas, ordinals, template, updateStrategy, revisionHistoryLimit,
    /// persistentVolumeClaimRetentionPolicy and minReadySeconds may change. Beyond Kubernetes (#68737), a claim
    /// template's storage request may grow; the controller then expands the existing claims.
    public func validateUpdate(from old: StatefulSet) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let oldSpec = old.spec ?? StatefulSetSpec()
        var munged = spec ?? StatefulSetSpec()
        munged.replicas = oldSpec.replicas
        munged.template = oldSpec.template
        munged.updateStrategy = oldSpec.updateStrategy
        munged.minReadySeconds = oldSpec.minReadySeconds
        munged.ordinals = oldSpec.ordinals
        munged.revisionHistoryLimit = oldSpec.revisionHistoryLimit
        munged.persistentVolumeClaimRetentionPolicy = oldSpec.persistentVolumeClaimRetentionPolicy
        if let oldClaims = oldSpec.volumeClaimTemplates, var newClaims = munged.volumeClaimTemplates,
           oldClaims.count == newClaims.count {
            for index in newClaims.indices {
                let oldStorage = oldClaims[index].spec?.resources?.requests?["storage"]
                let newStorage = newClaims[index].spec?.resources?.requests?["storage"]
                if let oldStorage, let newStorage, newStorage >= oldStorage {
                    newClaims[index].spec?.resources?.requests?["storage"] = oldStorage
                }
            }
            munged.volumeClaimTemplates = newClaims
        }
        if munged != oldSpec { errors.append(.forbidden("spec", StatefulSet.immutableSpecMessage)) }
        return errors
    }
}

extension StatefulSetSpec {
    /// Kubernetes' `ValidateStatefulSetSpec`, plus the template and claim template checks described on
    /// ``StatefulSet/validate()``.
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        switch podManagementPolicy ?? "" {
        case "": errors.append(.required(path.child("podManagementPolicy")))
        case PodManagementPolicy.orderedReady, PodManagementPolicy.parallel: break
        case let other: errors.append(.invalid(path.child("podManagementPolicy"), other, "must be 'OrderedReady' or 'Parallel'"))
        }
        errors += validateUpdateStrategy(at: path.child("updateStrategy"))
        if let retention = persistentVolumeClaimRetentionPolicy {
            let retentionPath = path.child("persistentVolumeClaimRetentionPolicy")
            errors += StatefulSetSpec.validateRetention(retention.whenDeleted, retentionPath.child("whenDeleted"))
            errors += StatefulSetSpec.validateRetention(retention.whenScaled, retentionPath.child("whenScaled"))
        }
        errors += WorkloadValidation.nonNegative(replicas, path.child("replicas"))
        errors += WorkloadValidation.nonNegative(minReadySeconds, path.child("minReadySeconds"))
        if let ordinals { errors += WorkloadValidation.nonNegative(ordinals.start, path.child("ordinals.start")) }
        errors += WorkloadValidation.nonNegative(revisionHistoryLimit, path.child("revisionHistoryLimit"))
        let templateLabels = template?.metadata?.labels
        // As in Kubernetes, template label errors are reported at `template.labels`.
        errors += WorkloadValidation.labels(templateLabels, path.child("template", "labels"))
        if let selector {
            if (selector.matchLabels ?? [:]).isEmpty && (selector.matchExpressions ?? []).isEmpty {
                errors.append(FieldError(.invalid, path.child("selector"), value: StatefulSetSpec.goSelector(selector),
                                         detail: "empty selector is invalid for statefulset"))
            } else if !StatefulSetSpec.selector(selector, matches: templateLabels ?? [:]) {
                errors.append(FieldError(.invalid, path.child("template", "metadata", "labels"),
                                         value: WorkloadValidation.goStringMap(templateLabels),
                                         detail: "`selector` does not match template `labels`"))
            }
        } else {
            errors.append(.required(path.child("selector")))
        }
        let restartPolicy = template?.spec?.restartPolicy ?? ""
        if restartPolicy != PodSpec.RestartPolicy.always {
            errors.append(.notSupported(path.child("template", "spec", "restartPolicy"), restartPolicy, supported: [PodSpec.RestartPolicy.always]))
        }
        let claimNames = (volumeClaimTemplates ?? []).compactMap { $0.metadata.name }
        if let podSpec = template?.spec {
            errors += podSpec.validate(at: path.child("template", "spec"), claimTemplateNames: claimNames)
                .filter { $0.field.description != path.child("template", "spec", "restartPolicy").description }
        }
        for (index, claim) in (volumeClaimTemplates ?? []).enumerated() {
            let claimPath = path.child("volumeClaimTemplates").index(index)
            let name = claim.metadata.name ?? ""
            if name.isEmpty {
                errors.append(.required(claimPath.child("metadata", "name")))
            } else {
                errors += WorkloadValidation.dns1123Label(name, claimPath.child("metadata", "name"))
            }
            if let claimSpec = claim.spec {
                errors += claimSpec.validate(path: claimPath.child("spec"))
            } else {
                errors.append(.required(claimPath.child("spec")))
            }
        }
        return errors
    }

    private func validateUpdateStrategy(at path: FieldPath) -> [FieldError] {
        let strategy = updateStrategy ?? StatefulSetUpdateStrategy()
        switch strategy.type ?? "" {
        case "":
            return [.required(path)]
        case StatefulSetUpdateStrategy.StrategyType.onDelete:
            guard let rolling = strategy.rollingUpdate else { return [] }
            return [FieldError(.invalid, path.child("rollingUpdate"), value: StatefulSetSpec.goRollingUpdate(rolling),
                               detail: "only allowed for updateStrategy 'RollingUpdate'")]
        case StatefulSetUpdateStrategy.StrategyType.rollingUpdate:
            guard let rolling = strategy.rollingUpdate else { return [] }
            let rollingPath = path.child("rollingUpdate")
            var errors = WorkloadValidation.nonNegative(rolling.partition ?? 0, rollingPath.child("partition"))
            if let maxUnavailable = rolling.maxUnavailable {
                errors += StatefulSetSpec.validateMaxUnavailable(maxUnavailable, rollingPath.child("maxUnavailable"))
            }
            return errors
        default:
            return [FieldError(.invalid, path, value: StatefulSetSpec.goStrategy(strategy), detail: "must be 'RollingUpdate' or 'OnDelete'")]
        }
    }

    /// Kubernetes' `ValidatePositiveIntOrPercent`, "cannot be 0" and `IsNotMoreThan100Percent`.
    private static func validateMaxUnavailable(_ value: IntOrString, _ path: FieldPath) -> [FieldError] {
        let printed = WorkloadValidation.goIntOrString(value)
        var errors: [FieldError] = []
        var amount = 0
        var percent: Int?
        switch value {
        case .int(let number):
            amount = number
            if number < 0 { errors.append(FieldError(.invalid, path, value: String(number), detail: "must be greater than or equal to 0")) }
        case .string(let text):
            let digits = text.dropLast()
            if text.hasSuffix("%"), !digits.isEmpty, digits.allSatisfy(\.isASCII), let number = Int(digits), number >= 0 {
                amount = number
                percent = number
            } else {
                errors.append(FieldError(.invalid, path, value: printed, detail:
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')"))
            }
        }
        if amount == 0 { errors.append(FieldError(.invalid, path, value: printed, detail: "cannot be 0")) }
        if let percent, percent > 100 { errors.append(FieldError(.invalid, path, value: printed, detail: "must not be greater than 100%")) }
        return errors
    }

    private static func validateRetention(_ value: String?, _ path: FieldPath) -> [FieldError] {
        let policy = value ?? ""
        let supported = [StatefulSetPersistentVolumeClaimRetentionPolicy.Policy.retain, StatefulSetPersistentVolumeClaimRetentionPolicy.Policy.delete]
        return supported.contains(policy) ? [] : [.notSupported(path, policy, supported: supported)]
    }
}
