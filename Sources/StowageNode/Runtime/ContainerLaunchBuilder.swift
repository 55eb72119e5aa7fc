import StowageAPI
import StowageLinux

/// A pod volume as published on this node.
struct MountedVolume: Sendable, Equatable {
    var path: String
    var isBlock: Bool
}

/// Turns a container of a pod into the helper's ``ContainerLaunch``: its volumes at their `mountPath`s and block
/// volumes at their `devicePath`s, the pod's hostname, `command` + `args`, `env` (values and the `fieldRef`s a pod
/// without a network has), and `workingDir`. `$(VAR)` in `command`, `args` and `env` values is expanded as
/// Kubernetes does.
struct ContainerLaunchBuilder: Sendable {
    let podsDirectory: String
    /// Host paths the container must not hold mounts under (the node's state directory).
    let hiddenPaths: [String]
    let hostIP: String

    /// `<pods>/<uid>/containers/<name>`.
    func directory(of container: String, uid: String) -> String { "\(podsDirectory)/\(uid)/containers/\(container)" }

    /// - Throws: ``NodeAgentError`` naming a volume the container mounts that the pod does not have (or has in the
    ///   other mode).
    func launch(for container: Container, of pod: Pod, volumes: [String: MountedVolume]) throws -> ContainerLaunch {
        let name = container.name ?? ""
        var mounts: [ContainerLaunch.VolumeMount] = []
        for (index, mount) in (container.volumeMounts ?? []).enumerated() {
            guard let volume = volumes[mount.name ?? ""], !volume.isBlock else {
                throw NodeAgentError("containers[\(name)].volumeMounts[\(index)]: no filesystem volume named \"\(mount.name ?? "")\" in the pod")
            }
            mounts.append(.init(source: volume.path, subPath: mount.subPath, target: mount.mountPath ?? "", readOnly: mount.readOnly ?? false))
        }
        for (index, device) in (container.volumeDevices ?? []).enumerated() {
            guard let volume = volumes[device.name ?? ""], volume.isBlock else {
                throw NodeAgentError("containers[\(name)].volumeDevices[\(index)]: no block volume named \"\(device.name ?? "")\" in the pod")
            }
            mounts.append(.init(source: volume.path, target: device.devicePath ?? "", isDevice: true))
        }
        let hostname = pod.spec?.hostname ?? pod.metadata.name ?? ""
        var environment = ["HOSTNAME=\(hostname)"]
        var defined: [String: String] = ["HOSTNAME": hostname]
        for variable in container.env ?? [] {
            guard let variableName = variable.name else { continue }
            // A value may refer to the variables defined before it.
            let value = variable.value.map { VariableExpansion.expand($0) { defined[$0] } }
                ?? variable.valueFrom?.fieldRef.map { fieldValue($0.fieldPath ?? "", of: pod) } ?? ""
            defined[variableName] = value
            environment.append("\(variableName)=\(value)")
        }
        let arguments = ((container.command ?? []) + (container.args ?? [])).map { VariableExpansion.expand($0) { defined[$0] } }
        return ContainerLaunch(
            hostname: hostname, rootDirectory: directory(of: name, uid: pod.metadata.uid ?? "") + "/root",
            hiddenPaths: hiddenPaths, mounts: mounts, arguments: arguments,
            environment: environment, workingDirectory: container.workingDir)
    }

    /// The downward API fields a `fieldRef` may name.
    private func fieldValue(_ path: String, of pod: Pod) -> String {
        switch path {
        case "metadata.name": return pod.metadata.name ?? ""
        case "metadata.namespace": return pod.metadata.namespace ?? "default"
        case "metadata.uid": return pod.metadata.uid ?? ""
        case "spec.nodeName": return pod.spec?.nodeName ?? ""
        case "spec.serviceAccountName": return pod.spec?.serviceAccountName ?? ""
        case "status.hostIP", "status.podIP": return hostIP
        default:
            if path.hasPrefix("metadata.labels['"), path.hasSuffix("']") {
                return pod.metadata.labels?[String(path.dropFirst("metadata.labels['".count).dropLast(2))] ?? ""
            }
            if path.hasPrefix("metadata.annotations['"), path.hasSuffix("']") {
                return pod.metadata.annotations?[String(path.dropFirst("metadata.annotations['".count).dropLast(2))] ?? ""
            }
            return ""
        }
    }
}
