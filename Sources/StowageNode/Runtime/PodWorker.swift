import Foundation
import StowageAPI
import StowageLinux

/// Runs one pod's containers on this node: init containers one after another, each to success, then every
/// container at once, each restarted by the pod's `restartPolicy` (Always, OnFailure, Never) with a crash-loop
/// backoff of 1 s doubling to 5 min (reset after 10 min of running). An exec `readinessProbe` decides a container's
/// readiness; without one a running container is ready. A container without `command` or `args` runs nothing and
/// counts as running and ready (a pure volume consumer). Every change calls `onChange`, so the pod's status is
/// written again.
actor PodWorker {
    let uid: String
    private(set) var pod: Pod
    private let volumes: [String: MountedVolume]
    private let context: RuntimeContext
    private let onChange: @Sendable () -> Void
    private var statuses: [String: ContainerStatus] = [:]
    private var initStatuses: [String: ContainerStatus] = [:]
    private var processes: [String: ContainerProcess] = [:]
    private var supervisor: Task<Void, Never>?
    private var stopping = false
    /// Set when the node agent shuts down: the containers keep running (a restarted agent adopts them) but this
    /// worker no longer supervises them.
    private var detached = false

    init(pod: Pod, volumes: [String: MountedVolume], context: RuntimeContext, onChange: @escaping @Sendable () -> Void) {
        self.uid = pod.metadata.uid ?? ""
        self.pod = pod
        self.volumes = volumes
        self.context = context
        self.onChange = onChange
        for container in pod.spec?.containers ?? [] {
            statuses[container.name ?? ""] = Self.waiting(container, reason: "ContainerCreating")
        }
        for container in pod.spec?.initContainers ?? [] {
            initStatuses[container.name ?? ""] = Self.waiting(container, reason: "PodInitializing")
        }
    }

    /// Starts the pod's containers (once).
    func start() {
        guard supervisor == nil else { return }
        supervisor = Task { await self.runPod() }
    }

    /// The containers' statuses, in spec order.
    func containerStatuses() -> (initContainers: [ContainerStatus], containers: [ContainerStatus]) {
        ((pod.spec?.initContainers ?? []).compactMap { initStatuses[$0.name ?? ""] },
         (pod.spec?.containers ?? []).compactMap { statuses[$0.name ?? ""] })
    }

    /// Stops every container: SIGTERM, SIGKILL after the pod's `terminationGracePeriodSeconds` (default 30).
    func stop() async {
        stopping = true
        supervisor?.cancel()
        let grace = Duration.seconds(pod.spec?.terminationGracePeriodSeconds ?? 30)
        await withTaskGroup(of: Void.self) { group in
            for process in processes.values { group.addTask { await process.stop(grace: grace) } }
        }
        await supervisor?.value
    }

    /// Stops supervising without stopping the containers: the node agent is shutting down, and the agent that
    /// runs next adopts the processes through their records.
    func detach() {
        detached = true
        supervisor?.cancel()
    }

    // MARK: Running

    private func runPod() async {
        let restartPolicy = pod.spec?.restartPolicy ?? "Always"
        for container in pod.spec?.initContainers ?? [] {
            // Init containers must succeed; Never gives up on the first failure.
            let succeeded = await supervise(container, isInit: true, restartPolicy: restartPolicy == "Never" ? "Never" : "OnFailure")
            if !succeeded || Task.isCancelled { return }
        }
        await withTaskGroup(of: Void.self) { group in
            for container in pod.spec?.containers ?? [] {
                group.addTask { _ = await self.supervise(container, isInit: false, restartPolicy: restartPolicy) }
            }
        }
    }

    /// Runs one container until the policy says it is done; returns whether its last run succeeded.
    private func supervise(_ container: Container, isInit: Bool, restartPolicy: String) async -> Bool {
        let name = container.name ?? ""
        if (container.command ?? []).isEmpty && (container.args ?? []).isEmpty {
            update(name, isInit: isInit, running(container, since: .now(), ready: true, restartCount: 0, last: nil))
            return true
        }
        let directory = context.builder.directory(of: name, uid: uid)
        let recordPath = "\(directory)/state.json"
        var record = (try? DurableFile.read(recordPath)).flatMap { $0 }.flatMap { try? JSONDecoder().decode(ContainerRecord.self, from: $0) }
        var restartCount = record?.restartCount ?? 0
        var backoff = Duration.seconds(1)
        var lastTermination: ContainerState?
        while !Task.isCancelled && !stopping && !detached {
            let process: ContainerProcess
            if let adopted = record.flatMap(ContainerProcess.adopt) {
                process = adopted
            } else {
                do {
                    process = try startProcess(container, directory: directory, restartCount: restartCount)
                    try? DurableFile.replace(try JSONEncoder().encode(process.record), at: recordPath)
                } catch {
                    update(name, isInit: isInit, Self.waiting(container, reason: "CreateContainerError", message: "\(error)", restartCount: restartCount))
                    try? await Task.sleep(for: backoff)
                    backoff = min(backoff * 2, .seconds(300))
                    continue
                }
            }
            record = nil
            processes[name] = process
            let startedAt = Timestamp(process.record.startedAt)
            let probe = container.readinessProbe?.exec?.command
            update(name, isInit: isInit, running(container, since: startedAt, ready: probe == nil, restartCount: restartCount, last: lastTermination))
            let prober = probe.map { command in
                Task { await self.probeReadiness(container, command: command, probe: container.readinessProbe!, pid: process.record.pid) }
            }
            let code = await process.wait()
            prober?.cancel()
            processes[name] = nil
            let terminated = ContainerStateTerminated(
                exitCode: code ?? 137, reason: code == nil ? "ContainerStatusUnknown" : (code == 0 ? "Completed" : "Error"),
                message: code == nil ? "the process outlived a restart of the node agent, so its exit code is unknown" : nil,
                startedAt: startedAt, finishedAt: .now())
            let previousTermination = lastTermination
            lastTermination = ContainerState(terminated: terminated)
            if stopping || detached { return code == 0 }
            let restart = restartPolicy == "Always" || (restartPolicy == "OnFailure" && code != 0)
            if !restart {
                update(name, isInit: isInit, ContainerStatus(name: name, state: lastTermination, lastState: previousTermination,
                                                              ready: false, restartCount: restartCount,
                                                              image: container.image ?? "", imageID: "", containerID: Self.id(uid, name), started: false))
                return code == 0
            }
            if Date().timeIntervalSince(process.record.startedAt) > 600 { backoff = .seconds(1) }
            restartCount += 1
            update(name, isInit: isInit, Self.waiting(container, reason: "CrashLoopBackOff",
                                                      message: "back-off \(backoff) restarting failed container=\(name) pod=\(pod.metadata.name ?? "")_\(pod.metadata.namespace ?? "default")(\(uid))",
                                                      restartCount: restartCount, last: lastTermination))
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(300))
        }
        return false
    }

    private func startProcess(_ container: Container, directory: String, restartCount: Int32) throws -> ContainerProcess {
        let launch = try context.builder.launch(for: container, of: pod, volumes: volumes)
        try FileManager.default.createDirectory(atPath: launch.rootDirectory, withIntermediateDirectories: true)
        let specPath = "\(directory)/launch.json"
        try DurableFile.replace(try JSONEncoder().encode(launch), at: specPath)
        return try ContainerProcess.start(helper: context.helper, specPath: specPath,
                                          logPath: "\(directory)/\(restartCount).log", restartCount: restartCount)
    }

    /// Runs the exec probe every `periodSeconds` (default 10) after `initialDelaySeconds`; `failureThreshold`
    /// (default 3) failures in a row make the container unready, `successThreshold` (default 1) successes ready.
    private func probeReadiness(_ container: Container, command: [String], probe: Probe, pid: Int32) async {
        let name = container.name ?? ""
        try? await Task.sleep(for: .seconds(Int(probe.initialDelaySeconds ?? 0)))
        var failures = 0, successes = 0
        while !Task.isCancelled && !detached {
            let passed = await context.runInContainer(pid: pid, command: command, timeout: .seconds(Int(max(1, probe.timeoutSeconds ?? 1))))
            if passed { successes += 1; failures = 0 } else { failures += 1; successes = 0 }
            if passed, successes >= Int(probe.successThreshold ?? 1) { setReady(name, true) }
            if !passed, failures >= Int(probe.failureThreshold ?? 3) { setReady(name, false) }
            try? await Task.sleep(for: .seconds(Int(max(1, probe.periodSeconds ?? 10))))
        }
    }

    private func setReady(_ name: String, _ ready: Bool) {
        guard var status = statuses[name], status.state?.running != nil, status.ready != ready else { return }
        status.ready = ready
        update(name, isInit: false, status)
    }

    private func update(_ name: String, isInit: Bool, _ status: ContainerStatus) {
        if isInit { initStatuses[name] = status } else { statuses[name] = status }
        onChange()
    }

    // MARK: Statuses

    static func id(_ uid: String, _ name: String) -> String { "stowage://\(uid)/\(name)" }

    static func waiting(_ container: Container, reason: String, message: String? = nil, restartCount: Int32 = 0,
                        last: ContainerState? = nil) -> ContainerStatus {
        ContainerStatus(name: container.name, state: ContainerState(waiting: ContainerStateWaiting(reason: reason, message: message)),
                        lastState: last, ready: false, restartCount: restartCount, image: container.image ?? "", imageID: "", started: false)
    }

    func running(_ container: Container, since: Timestamp, ready: Bool, restartCount: Int32, last: ContainerState?) -> ContainerStatus {
        ContainerStatus(name: container.name, state: ContainerState(running: ContainerStateRunning(startedAt: since)),
                        lastState: last, ready: ready, restartCount: restartCount, image: container.image ?? "", imageID: "",
                        containerID: Self.id(uid, container.name ?? ""), started: true)
    }
}
