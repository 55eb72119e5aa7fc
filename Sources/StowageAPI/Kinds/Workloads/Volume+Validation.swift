// Pod volume validation with Kubernetes' messages and field paths (ValidateVolumes, validateVolumeSource).

extension Volume {
    /// What containers may do with a volume: mount it (any source) or also use it as a block device (claims).
    enum SourceKind: Sendable { case claim, other }

    /// Kubernetes' `ValidateVolumes`: names required, DNS labels and unique; exactly one valid source each.
    /// Returns the volumes that passed, by name (mounts may only name those), and the problems.
    static func validate(_ volumes: [Volume], at path: FieldPath, podName: String?) -> ([String: SourceKind], [FieldError]) {
        var errors: [FieldError] = []
        var valid: [String: SourceKind] = [:]
        var names = Set<String>()
        var createdClaims = Set<String>()
        if let podName, !podName.isEmpty {
            for volume in volumes where volume.ephemeral != nil { createdClaims.insert("\(podName)-\(volume.name ?? "")") }
        }
        for (index, volume) in volumes.enumerated() {
            let itemPath = path.index(index)
            let name = volume.name ?? ""
            var volumeErrors = volume.validateSource(at: itemPath, podName: podName)
            if name.isEmpty {
                volumeErrors.append(.required(itemPath.child("name")))
            } else {
                volumeErrors += WorkloadValidation.dns1123Label(name, itemPath.child("name"))
            }
            if names.contains(name) { volumeErrors.append(.duplicate(itemPath.child("name"), name)) }
            if volumeErrors.isEmpty {
                names.insert(name)
                let isClaim = volume.persistentVolumeClaim != nil || volume.ephemeral != nil
                valid[name] = isClaim ? .claim : .other
            } else {
                errors += volumeErrors
            }
            if let claimName = volume.persistentVolumeClaim?.claimName, createdClaims.contains(claimName) {
                errors.append(.invalid(itemPath.child("persistentVolumeClaim", "claimName"), claimName,
                    "must not reference a PVC that gets created for an ephemeral volume"))
            }
        }
        return (valid, errors)
    }

    /// Kubernetes' `validateVolumeSource` for the sources Stowage models, in Kubernetes' order (emptyDir,
    /// hostPath, persistentVolumeClaim, csi, ephemeral). A second source is reported at its own path.
    func validateSource(at path: FieldPath, podName: String?) -> [FieldError] {
        var errors: [FieldError] = []
        var count = 0
        func claimSlot(_ field: String) -> Bool {
            if count > 0 {
                errors.append(.forbidden(path.child(field), "may not specify more than 1 volume type"))
                return false
            }
            count += 1
            return true
        }
        if let emptyDir {
            count += 1
            errors += emptyDir.validate(at: path.child("emptyDir"))
        }
        if let hostPath, claimSlot("hostPath") {
            errors += Volume.validateHostPath(hostPath, at: path.child("hostPath"))
        }
        if let persistentVolumeClaim, claimSlot("persistentVolumeClaim") {
            if (persistentVolumeClaim.claimName ?? "").isEmpty {
                errors.append(.required(path.child("persistentVolumeClaim", "claimName")))
            }
        }
        if let csi, claimSlot("csi") {
            errors += csi.validate(at: path.child("csi"))
        }
        if let ephemeral, claimSlot("ephemeral") {
            errors += ephemeral.validate(at: path.child("ephemeral"))
            if let podName, !podName.isEmpty, let name, !name.isEmpty {
                let claimName = "\(podName)-\(name)"
                for problem in NameValidation.dns1123Subdomain(claimName) {
                    errors.append(.invalid(path.child("name"), name, "PVC name \(FieldError.quoted(claimName)): \(problem)"))
                }
            }
        }
        if count == 0, let unsupported = unsupportedSources.first {
            // Beyond Kubernetes: say why, rather than pretending no source was given.
            errors.append(.forbidden(path.child(unsupported), "\(unsupported) volumes are not supported by Stowage"))
        } else if count == 0 {
            errors.append(.required(path, "must specify a volume type"))
        }
        return errors
    }

    static func validateHostPath(_ source: HostPathVolumeSource, at path: FieldPath) -> [FieldError] {
        source.validate(path: path)
    }
}

extension EmptyDirVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let sizeLimit, sizeLimit < Quantity(bytes: 0) {
            errors.append(.forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"))
        }
        // Beyond Kubernetes, which leaves an unknown medium to fail at mount time: refuse it up front.
        if let medium, medium != Medium.default, medium != Medium.memory, medium != Medium.hugePages,
           !medium.hasPrefix(Medium.hugePages + "-") {
            errors.append(.notSupported(path.child("medium"), medium, supported: [Medium.default, Medium.hugePages, Medium.memory]))
        }
        return errors
    }
}

extension CSIVolumeSource {
    /// Kubernetes' `validateCSIVolumeSource`: a driver name, and a named secret when a secret is referenced.
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let driverPath = path.child("driver")
        let driver = self.driver ?? ""
        if driver.isEmpty { errors.append(.required(driverPath)) }
        if driver.utf8.count > 63 { errors.append(.tooLong(driverPath, maxLength: 63)) }
        if !driver.isEmpty {
            errors += NameValidation.dns1123Subdomain(driver.lowercased()).map { FieldError.invalid(driverPath, driver, $0) }
        }
        if let secret = nodePublishSecretRef {
            let name = secret.name ?? ""
            if name.isEmpty {
                errors.append(.required(path.child("nodePublishSecretRef", "name")))
            } else {
                errors += NameValidation.dns1123Subdomain(name).map { FieldError.invalid(path.child("name"), name, $0) }
            }
        }
        return errors
    }
}

extension EphemeralVolumeSource {
    func validate(at path: FieldPath) -> [FieldError] {
        guard let template = volumeClaimTemplate else { return [.required(path.child("volumeClaimTemplate"))] }
        let templatePath = path.child("volumeClaimTemplate")
        guard let spec = template.spec else { return [.required(templatePath.child("spec"))] }
        return spec.validate(path: templatePath.child("spec"))
    }
}
