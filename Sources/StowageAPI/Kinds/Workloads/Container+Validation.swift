// Container validation with Kubernetes' messages and field paths (validateContainerCommon and friends).
// Beyond Kubernetes: `image` is not required, since Stowage runs commands on the host and never pulls images.

extension Container {
    /// Validates the fields every kind of container shares: name, pull policy, ports, env, mounts, devices.
    func validate(at path: FieldPath, volumes: [String: Volume.SourceKind]) -> [FieldError] {
        var errors: [FieldError] = []
        let namePath = path.child("name")
        let name = self.name ?? ""
        if name.isEmpty {
            errors.append(.required(namePath))
        } else {
            errors += WorkloadValidation.dns1123Label(name, namePath)
        }
        if let imagePullPolicy {
            if imagePullPolicy.isEmpty {
                errors.append(.required(path.child("imagePullPolicy")))
            } else if !PullPolicy.all.contains(imagePullPolicy) {
                errors.append(.notSupported(path.child("imagePullPolicy"), imagePullPolicy, supported: PullPolicy.all))
            }
        }
        errors += validatePorts(at: path.child("ports"))
        for (index, variable) in (env ?? []).enumerated() where (variable.name ?? "").isEmpty {
            errors.append(.required(path.child("env").index(index).child("name")))
        }
        errors += validateVolumeMounts(at: path.child("volumeMounts"), volumes: volumes)
        errors += validateVolumeDevices(at: path.child("volumeDevices"), volumes: volumes)
        if let securityContext {
            let scPath = path.child("securityContext")
            errors += WorkloadValidation.unixID(securityContext.runAsUser, scPath.child("runAsUser"))
            errors += WorkloadValidation.unixID(securityContext.runAsGroup, scPath.child("runAsGroup"))
        }
        return errors
    }

    private func validatePorts(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for (index, port) in (ports ?? []).enumerated() {
            let itemPath = path.index(index)
            if let name = port.name, !name.isEmpty {
                if names.contains(name) { errors.append(.duplicate(itemPath.child("name"), name)) }
                names.insert(name)
            }
            let number = port.containerPort ?? 0
            if number == 0 {
                errors.append(.required(itemPath.child("containerPort")))
            } else if number < 1 || number > 65535 {
                errors.append(.invalid(itemPath.child("containerPort"), number: number, "must be between 1 and 65535, inclusive"))
            }
            if let proto = port.protocol {
                if proto.isEmpty {
                    errors.append(.required(itemPath.child("protocol")))
                } else if !ContainerPort.supportedProtocols.contains(proto) {
                    errors.append(.notSupported(itemPath.child("protocol"), proto, supported: ContainerPort.supportedProtocols))
                }
            }
        }
        return errors
    }

    /// Kubernetes' `ValidateVolumeMounts`. As in Kubernetes, `subPath`, `subPathExpr` and `mountPropagation`
    /// errors are reported under `volumeMounts`, not under the mount's index.
    private func validateVolumeMounts(at path: FieldPath, volumes: [String: Volume.SourceKind]) -> [FieldError] {
        var errors: [FieldError] = []
        var mountPaths = Set<String>()
        let devices = volumeDevices ?? []
        for (index, mount) in (volumeMounts ?? []).enumerated() {
            let itemPath = path.index(index)
            let name = mount.name ?? ""
            let mountPath = mount.mountPath ?? ""
            if name.isEmpty { errors.append(.required(itemPath.child("name"))) }
            if volumes[name] == nil { errors.append(FieldError(.notFound, itemPath.child("name"), value: FieldError.quoted(name))) }
            if mountPath.isEmpty { errors.append(.required(itemPath.child("mountPath"))) }
            if mountPaths.contains(mountPath) { errors.append(.invalid(itemPath.child("mountPath"), mountPath, "must be unique")) }
            mountPaths.insert(mountPath)
            if devices.contains(where: { $0.name == name }) {
                errors.append(.invalid(itemPath.child("name"), name, "must not already exist in volumeDevices"))
            }
            if devices.contains(where: { $0.devicePath == mountPath }) {
                errors.append(.invalid(itemPath.child("mountPath"), mountPath, "must not already exist as a path in volumeDevices"))
            }
            if let subPath = mount.subPath, !subPath.isEmpty {
                errors += WorkloadValidation.localDescendingPath(subPath, path.child("subPath"))
            }
            if let expr = mount.subPathExpr, !expr.isEmpty {
                if let subPath = mount.subPath, !subPath.isEmpty {
                    errors.append(.invalid(itemPath.child("subPathExpr"), expr, "subPathExpr and subPath are mutually exclusive"))
                }
                errors += WorkloadValidation.localDescendingPath(expr, path.child("subPathExpr"))
            }
            if let propagation = mount.mountPropagation {
                let propagationPath = path.child("mountPropagation")
                if !VolumeMount.Propagation.all.contains(propagation) {
                    errors.append(.notSupported(propagationPath, propagation, supported: VolumeMount.Propagation.all))
                }
                if propagation == VolumeMount.Propagation.bidirectional && securityContext?.privileged != true {
                    errors.append(.forbidden(propagationPath, "Bidirectional mount propagation is available only to privileged containers"))
                }
            }
        }
        return errors
    }

    /// Kubernetes' `ValidateVolumeDevices`: block devices come from claims, with unique names and paths that
    /// are not also mount paths.
    private func validateVolumeDevices(at path: FieldPath, volumes: [String: Volume.SourceKind]) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        var paths = Set<String>()
        let mounts = volumeMounts ?? []
        for (index, device) in (volumeDevices ?? []).enumerated() {
            let itemPath = path.index(index)
            let name = device.name ?? ""
            let devicePath = device.devicePath ?? ""
            if name.isEmpty { errors.append(.required(itemPath.child("name"))) }
            if names.contains(name) { errors.append(.invalid(itemPath.child("name"), name, "must be unique")) }
            switch volumes[name] {
            case .claim: break
            case .other:
                errors.append(.invalid(itemPath.child("name"), name,
                    "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
            case nil:
                errors.append(FieldError(.notFound, itemPath.child("name"), value: FieldError.quoted(name)))
            }
            if devicePath.isEmpty { errors.append(.required(itemPath.child("devicePath"))) }
            if paths.contains(devicePath) { errors.append(.invalid(itemPath.child("devicePath"), devicePath, "must be unique")) }
            if !devicePath.isEmpty && !WorkloadValidation.noBacksteps(devicePath, itemPath).isEmpty {
                errors.append(.invalid(itemPath.child("devicePath"), devicePath, "can not contain backsteps ('..')"))
            } else {
                paths.insert(devicePath)
            }
            if mounts.contains(where: { $0.name == name }) {
                errors.append(.invalid(itemPath.child("name"), name, "must not already exist in volumeMounts"))
            }
            if mounts.contains(where: { $0.mountPath == devicePath }) {
                errors.append(.invalid(itemPath.child("devicePath"), devicePath, "must not already exist as a path in volumeMounts"))
            }
            if !name.isEmpty { names.insert(name) }
        }
        return errors
    }

    /// Probe checks of regular containers; liveness and startup probes must have successThreshold 1.
    func validateProbes(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let probe = livenessProbe {
            errors += probe.validate(at: path.child("livenessProbe"))
            if let threshold = probe.successThreshold, threshold != 1 {
                errors.append(.invalid(path.child("livenessProbe", "successThreshold"), number: threshold, "must be 1"))
            }
        }
        if let probe = readinessProbe { errors += probe.validate(at: path.child("readinessProbe")) }
        if let probe = startupProbe {
            errors += probe.validate(at: path.child("startupProbe"))
            if let threshold = probe.successThreshold, threshold != 1 {
                errors.append(.invalid(path.child("startupProbe", "successThreshold"), number: threshold, "must be 1"))
            }
        }
        return errors
    }
}

extension Probe {
    /// Kubernetes' `validateProbe`: exactly one handler, non-negative timings.
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var handlers = 0
        if let exec {
            handlers += 1
            if (exec.command ?? []).isEmpty { errors.append(.required(path.child("exec", "command"))) }
        }
        for (present, field) in [(httpGet != nil, "httpGet"), (tcpSocket != nil, "tcpSocket")] where present {
            if handlers > 0 {
                errors.append(.forbidden(path.child(field), "may not specify more than 1 handler type"))
            } else {
                handlers += 1
            }
        }
        if handlers == 0 { errors.append(.required(path, "must specify a handler type")) }
        errors += WorkloadValidation.nonNegative(initialDelaySeconds, path.child("initialDelaySeconds"))
        errors += WorkloadValidation.nonNegative(timeoutSeconds, path.child("timeoutSeconds"))
        errors += WorkloadValidation.nonNegative(periodSeconds, path.child("periodSeconds"))
        errors += WorkloadValidation.nonNegative(successThreshold, path.child("successThreshold"))
        errors += WorkloadValidation.nonNegative(failureThreshold, path.child("failureThreshold"))
        return errors
    }
}
