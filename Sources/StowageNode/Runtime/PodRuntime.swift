import Foundation
import StowageAPI
import StowageLinux
import Synchronization

/// What every pod worker shares: the helper that starts containers, the launch builder, and running a command in
/// a container (exec probes).
struct RuntimeContext: Sendable {
    /// `stowage-container-init`.
    let helper: String
    let builder: ContainerLaunchBuilder

    /// Runs `command` in the namespaces of container process `pid`; whether it exited 0 within `timeout`.
    func runInContainer(pid: Int32, command: [String], timeout: Duration) async -> Bool {
        guard let process = try? PipedProcess.start(helper, arguments: ["--join", "\(pid)"] + command, output: .null, error: .null)
        else { return false }
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            process.child.signal(SIGKILL)
        }
        let status = await process.child.wait()
        watchdog.cancel()
        return status == 0
    }
}

/// The pod runtime of one node: a ``PodWorker`` per pod whose volumes are set up, created on the first sync and
/// stopped when the pod goes.
final class PodRuntime: Sendable {
    let context: RuntimeContext
    private let workers = Mutex<[String: PodWorker]>([:])

    init(context: RuntimeContext) {
        self.context = context
    }

    /// Starts the pod's containers if they are not running yet; returns the worker.
    func sync(_ pod: Pod, volumes: [String: MountedVolume], onChange: @escaping @Sendable () -> Void) async -> PodWorker {
        let uid = pod.metadata.uid ?? ""
        let worker = workers.withLock { workers in
            if let existing = workers[uid] { return existing }
            let created = PodWorker(pod: pod, volumes: volumes, context: context, onChange: onChange)
            workers[uid] = created
            return created
        }
        await worker.start()
        return worker
    }

    /// Stops supervising every pod, leaving the containers running for the next agent to adopt (shutdown).
    func detachAll() async {
        let all = workers.withLock { workers in
            defer { workers.removeAll() }
            return Array(workers.values)
        }
        for worker in all { await worker.detach() }
    }

    /// Stops pod `uid`'s containers and forgets it. Processes a previous run of the node agent started (the pod
    /// was deleted while it was down) are found through their records and stopped too.
    func stop(_ uid: String) async {
        if let worker = workers.withLock({ $0.removeValue(forKey: uid) }) {
            await worker.stop()
            return
        }
        let containers = "\(context.builder.podsDirectory)/\(uid)/containers"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: containers)) ?? [] {
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: "\(containers)/\(name)/state.json")),
                  let record = try? JSONDecoder().decode(ContainerRecord.self, from: data),
                  let process = ContainerProcess.adopt(record) else { continue }
            await process.stop(grace: .seconds(2))
        }
    }
}
