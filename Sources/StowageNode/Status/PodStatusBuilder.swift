import StowageAPI

/// The status the node reports for a pod, from what it knows: whether the pod's volumes are set up (and why not),
/// and its containers' states from the runtime. Conditions keep their transition time while their status stays the
/// same, as kubelet's do.
struct PodStatusBuilder {
    let hostIP: String

    /// What the node knows about a pod.
    enum Progress {
        /// Volumes set up; the containers as the runtime reports them.
        case running(initContainers: [ContainerStatus], containers: [ContainerStatus])
        /// Volumes not set up yet, and why.
        case waiting(reason: String, message: String)
    }

    func status(of pod: Pod, _ progress: Progress, now: Timestamp = .now()) -> PodStatus {
        let old = pod.status ?? PodStatus()
        let specContainers = pod.spec?.containers ?? []
        var initStatuses: [ContainerStatus] = []
        var statuses: [ContainerStatus]
        var message: String?
        switch progress {
        case .waiting(let reason, let why):
            message = why
            statuses = specContainers.map { PodWorker.waiting($0, reason: reason) }
        case .running(let initContainers, let containers):
            initStatuses = initContainers
            statuses = containers
        }
        let initialized = initStatuses.allSatisfy { $0.state?.terminated?.exitCode == 0 }
        let ready = !statuses.isEmpty && statuses.allSatisfy { $0.ready == true }
        let allTerminated = !statuses.isEmpty && statuses.allSatisfy { $0.state?.terminated != nil }
        let notStarted = statuses.allSatisfy {
            $0.state?.waiting != nil && $0.restartCount == 0 && $0.lastState == nil
        }
        let initFailed = initStatuses.contains { ($0.state?.terminated?.exitCode ?? 0) != 0 } && pod.spec?.restartPolicy == "Never"
        let phase: String
        if initFailed || (allTerminated && statuses.contains { $0.state?.terminated?.exitCode != 0 }) {
            phase = PodStatus.Phase.failed
        } else if allTerminated {
            phase = PodStatus.Phase.succeeded
        } else if !initialized || notStarted {
            phase = PodStatus.Phase.pending
        } else {
            phase = PodStatus.Phase.running
        }
        func condition(_ type: String, _ isTrue: Bool, reason: String? = nil, message: String? = nil) -> PodCondition {
            let status = isTrue ? "True" : "False"
            let previous = old.conditions?.first { $0.type == type }
            let since = previous?.status == status ? previous?.lastTransitionTime ?? now : now
            return PodCondition(type: type, status: status, lastTransitionTime: since, reason: reason, message: message)
        }
        let unready = statuses.filter { $0.ready != true }.compactMap(\.name)
        let notReadyReason = ready ? nil : (allTerminated ? "PodCompleted" : "ContainersNotReady")
        let notReadyMessage = ready || allTerminated ? nil : "containers with unready status: [\(unready.joined(separator: " "))]"
        let initMessage = initialized ? nil : "containers with incomplete status: [\(initStatuses.filter { $0.state?.terminated?.exitCode != 0 }.compactMap(\.name).joined(separator: " "))]"
        return PodStatus(
            phase: phase,
            conditions: [
                condition(PodCondition.ConditionType.initialized, initialized, reason: initialized ? nil : "ContainersNotInitialized", message: initMessage),
                condition(PodCondition.ConditionType.ready, ready, reason: notReadyReason, message: notReadyMessage),
                condition(PodCondition.ConditionType.containersReady, ready, reason: notReadyReason, message: notReadyMessage),
                condition(PodCondition.ConditionType.podScheduled, true),
            ],
            message: message, reason: nil,
            hostIP: hostIP, hostIPs: [HostIP(ip: hostIP)],
            startTime: old.startTime ?? now,
            initContainerStatuses: initStatuses.isEmpty ? nil : initStatuses,
            containerStatuses: statuses)
    }

    /// Whether two statuses differ in anything but the condition transition times the builder fills.
    static func differs(_ a: PodStatus?, _ b: PodStatus) -> Bool {
        guard var a else { return true }
        var b = b
        for index in a.conditions?.indices ?? [].indices { a.conditions?[index].lastTransitionTime = nil }
        for index in b.conditions?.indices ?? [].indices { b.conditions?[index].lastTransitionTime = nil }
        return a != b
    }
}
