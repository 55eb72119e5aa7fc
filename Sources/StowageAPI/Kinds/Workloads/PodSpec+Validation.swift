// Pod spec validation with Kubernetes' messages and field paths (pkg/apis/core/validation ValidatePodSpec).

extension PodSpec {
    /// Validates this pod spec at `path`.
    ///
    /// - Parameters:
    ///   - path: where the spec sits (`spec`, or `spec.template.spec` for a StatefulSet).
    ///   - podName: the pod's name, for the names of claims that `ephemeral` volumes create; nil in templates.
    ///   - claimTemplateNames: volumes a controller adds to every pod (a StatefulSet's `volumeClaimTemplates`),
    ///     which mounts and devices may name as if they were `persistentVolumeClaim` volumes.
    /// - Returns: every problem found, in Kubernetes' order.
    public func validate(at path: FieldPath = "spec", podName: String? = nil, claimTemplateNames: [String] = []) -> [FieldError] {
        var (volumeSources, errors) = Volume.validate(volumes ?? [], at: path.child("volumes"), podName: podName)
        for name in claimTemplateNames where volumeSources[name] == nil { volumeSources[name] = .claim }
        errors += validateContainers(volumeSources, path)
        errors += validateRestartPolicy(path.child("restartPolicy"))
        errors += validateDNSPolicy(path.child("dnsPolicy"))
        errors += WorkloadValidation.labels(nodeSelector, path.child("nodeSelector"))
        if let serviceAccountName, !serviceAccountName.isEmpty {
            errors += WorkloadValidation.dns1123Subdomain(serviceAccountName, path.child("serviceAccountName"))
        }
        if let nodeName, !nodeName.isEmpty {
            errors += WorkloadValidation.dns1123Subdomain(nodeName, path.child("nodeName"))
        }
        if let securityContext {
            let scPath = path.child("securityContext")
            errors += WorkloadValidation.unixID(securityContext.runAsUser, scPath.child("runAsUser"))
            errors += WorkloadValidation.unixID(securityContext.runAsGroup, scPath.child("runAsGroup"))
            errors += WorkloadValidation.unixID(securityContext.fsGroup, scPath.child("fsGroup"))
        }
        errors += Toleration.validate(tolerations ?? [], at: path.child("tolerations"))
        if let hostname, !hostname.isEmpty { errors += WorkloadValidation.dns1123Label(hostname, path.child("hostname")) }
        if let subdomain, !subdomain.isEmpty { errors += WorkloadValidation.dns1123Label(subdomain, path.child("subdomain")) }
        return errors
    }

    private func validateContainers(_ volumes: [String: Volume.SourceKind], _ path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let containerPath = path.child("containers")
        let list = containers ?? []
        if list.isEmpty { errors.append(.required(containerPath)) }
        var names = Set<String>()
        for (index, container) in list.enumerated() {
            let itemPath = containerPath.index(index)
            errors += container.validate(at: itemPath, volumes: volumes)
            let name = container.name ?? ""
            if names.contains(name) {
                errors.append(.duplicate(itemPath.child("name"), name))
            } else {
                names.insert(name)
            }
            errors += container.validateProbes(at: itemPath)
        }
        // Init containers: names unique across init and regular containers; probes only on sidecars, which
        // Stowage does not model.
        let initPath = path.child("initContainers")
        for (index, container) in (initContainers ?? []).enumerated() {
            let itemPath = initPath.index(index)
            errors += container.validate(at: itemPath, volumes: volumes)
            for (probe, field) in [(container.livenessProbe, "livenessProbe"), (container.readinessProbe, "readinessProbe"),
                                   (container.startupProbe, "startupProbe")] where probe != nil {
                errors.append(.forbidden(itemPath.child(field), "may not be set for init containers without restartPolicy=Always"))
            }
            let name = container.name ?? ""
            if names.contains(name) {
                errors.append(.duplicate(itemPath.child("name"), name))
            } else {
                names.insert(name)
            }
        }
        return errors
    }

    private func validateRestartPolicy(_ path: FieldPath) -> [FieldError] {
        switch restartPolicy ?? "" {
        case RestartPolicy.always, RestartPolicy.onFailure, RestartPolicy.never: return []
        case "": return [.required(path)]
        case let other: return [.notSupported(path, other, supported: RestartPolicy.all)]
        }
    }

    private func validateDNSPolicy(_ path: FieldPath) -> [FieldError] {
        guard let dnsPolicy, !DNSPolicy.all.contains(dnsPolicy) else { return [] }
        return [.notSupported(path, dnsPolicy, supported: DNSPolicy.all)]
    }
}

extension Toleration {
    /// Kubernetes' `ValidateTolerations`.
    static func validate(_ tolerations: [Toleration], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, toleration) in tolerations.enumerated() {
            let itemPath = path.index(index)
            let key = toleration.key ?? ""
            let op = toleration.operator ?? ""
            let effect = toleration.effect ?? ""
            if !key.isEmpty {
                errors += NameValidation.qualifiedName(key).map { FieldError.invalid(itemPath.child("key"), key, $0) }
            }
            if key.isEmpty && op != "Exists" {
                errors.append(.invalid(itemPath.child("operator"), op,
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
            }
            if toleration.tolerationSeconds != nil && effect != "NoExecute" {
                errors.append(.invalid(itemPath.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
            }
            switch op {
            case "Equal", "":
                let problems = NameValidation.labelValue(toleration.value ?? "")
                if !problems.isEmpty {
                    errors.append(.invalid(itemPath.child("operator"), toleration.value ?? "", problems.joined(separator: ";")))
                }
            case "Exists":
                if let value = toleration.value, !value.isEmpty {
                    errors.append(.invalid(itemPath.child("operator"), value, "value must be empty when `operator` is 'Exists'"))
                }
            default:
                errors.append(.notSupported(itemPath.child("operator"), op, supported: ["Equal", "Exists"]))
            }
            if !effect.isEmpty && !supportedEffects.contains(effect) {
                errors.append(.notSupported(itemPath.child("effect"), effect, supported: supportedEffects))
            }
        }
        return errors
    }
}
