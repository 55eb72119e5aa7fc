import StowageAPI

/// The status the node reports for a pod, from what it knows: whether the pod's volumes are set up, and why not.
/// Conditions keep their transition time while their status stays the same, as kubelet's do.
struct PodStatusBuilder {
    let hostIP: String

    /// What the node knows about a pod's volumes.
    enum Volumes {
        case ready
        case waiting(reason: String, message: String)
    }

    /// The status for `pod` given its volumes. A pod whose containers have no `command` is a pure volume consumer:
    /// Running and Ready once its volumes are set up. Running commands is the pod runtime's part, not yet built:
    /// such a pod stays Pending with a message that says so.
    func status(of pod: Pod, volumes: Volumes, now: Timestamp = .now()) -> PodStatus {
        let old = pod.status ?? PodStatus()
        let containers = pod.spec?.containers ?? []
        let runsCommands = containers.contains { !($0.command ?? []).isEmpty || !($0.args ?? []).isEmpty }
        var ready = false
        var waiting: (reason: String, message: String)?
        switch volumes {
        case .ready:
            if runsCommands {
                waiting = ("RuntimeNotAvailable", "this Stowage node mounts the pod's volumes but does not run container commands yet")
            } else {
                ready = true
            }
        case .waiting(let reason, let message):
            waiting = (reason, message)
        }
        func condition(_ type: String, _ isTrue: Bool, reason: String? = nil, message: String? = nil) -> PodCondition {
            let status = isTrue ? "True" : "False"
            let previous = old.conditions?.first { $0.type == type }
            let since = previous?.status == status ? previous?.lastTransitionTime ?? now : now
            return PodCondition(type: type, status: status, lastTransitionTime: since, reason: reason, message: message)
        }
        let notReadyReason = ready ? nil : "ContainersNotReady"
        let notReadyMessage = ready ? nil : "containers with unready status: [\(containers.compactMap(\.name).joined(separator: " "))]"
        let startedAt = old.containerStatuses?.first?.state?.running?.startedAt ?? now
        let statuses = containers.map { container in
            ContainerStatus(
                name: container.name,
                state: ready ? ContainerState(running: ContainerStateRunning(startedAt: startedAt))
                    : ContainerState(waiting: ContainerStateWaiting(reason: waiting?.reason == "RuntimeNotAvailable" ? "RuntimeNotAvailable" : "ContainerCreating")),
                ready: ready, restartCount: 0, image: container.image ?? "", imageID: "",
                containerID: ready ? "stowage://\(pod.metadata.uid ?? "")/\(container.name ?? "")" : nil, started: ready)
        }
        return PodStatus(
            phase: ready ? PodStatus.Phase.running : PodStatus.Phase.pending,
            conditions: [
                condition(PodCondition.ConditionType.initialized, true),
                condition(PodCondition.ConditionType.ready, ready, reason: notReadyReason, message: notReadyMessage),
                condition(PodCondition.ConditionType.containersReady, ready, reason: notReadyReason, message: notReadyMessage),
                condition(PodCondition.ConditionType.podScheduled, true),
            ],
            message: waiting?.message, reason: nil,
            hostIP: hostIP, hostIPs: [HostIP(ip: hostIP)],
            startTime: old.startTime ?? now,
            containerStatuses: statuses)
    }

    /// Whether two statuses differ in anything but the timestamps the builder fills.
    static func differs(_ a: PodStatus?, _ b: PodStatus) -> Bool {
        guard var a else { return true }
        var b = b
        for index in a.conditions?.indices ?? [].indices { a.conditions?[index].lastTransitionTime = nil }
        for index in b.conditions?.indices ?? [].indices { b.conditions?[index].lastTransitionTime = nil }
        return a != b
    }
}
