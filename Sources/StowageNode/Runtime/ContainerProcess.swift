import Foundation
import StowageAPI
import StowageLinux

/// What the node records about a running container process (`<pods>/<uid>/containers/<name>/state.json`), so a
/// restarted node agent finds the processes still running and adopts them instead of starting them twice.
struct ContainerRecord: Codable, Sendable, Equatable {
    var pid: Int32
    /// The process's start time in clock ticks after boot (`/proc/<pid>/stat` field 22): a reused pid never matches.
    var startTicks: UInt64
    var restartCount: Int32
    var startedAt: Date
}

/// One run of a container's command: the `stowage-container-init` child (which becomes the command), its log, and
/// how to wait for it and stop it. An adopted process (started before a restart of the node agent) is not our
/// child: its exit is noticed by polling and its exit code is unknown.
final class ContainerProcess: Sendable {
    let record: ContainerRecord
    private let child: ChildProcess?

    private init(record: ContainerRecord, child: ChildProcess?) {
        self.record = record
        self.child = child
    }

    /// Starts the helper on `specPath`, appending its output to `logPath`.
    /// - Throws: when the helper cannot be started or the log not opened.
    static func start(helper: String, specPath: String, logPath: String, restartCount: Int32) throws -> ContainerProcess {
        let log = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard log >= 0 else { throw NodeAgentError("cannot open the container log \(logPath): \(String(cString: strerror(errno)))") }
        defer { close(log) }
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        defer { if null >= 0 { close(null) } }
        let child = try ChildProcess.spawn(helper, arguments: [specPath], standardInput: null, standardOutput: log, standardError: log)
        return ContainerProcess(record: ContainerRecord(pid: child.pid, startTicks: Self.startTicks(of: child.pid) ?? 0,
                                                        restartCount: restartCount, startedAt: Date()), child: child)
    }

    /// The process of `record`, if it is still running (same pid, same start time).
    static func adopt(_ record: ContainerRecord) -> ContainerProcess? {
        guard record.pid > 1, let ticks = startTicks(of: record.pid), ticks == record.startTicks else { return nil }
        return ContainerProcess(record: record, child: nil)
    }

    /// Waits for the process to end; its exit code, or nil when it is unknown (an adopted process).
    func wait() async -> Int32? {
        if let child { return await child.wait() }
        while isAlive { await Self.pause(.milliseconds(200)) }
        return nil
    }

    /// Sleeps for `duration` even in a cancelled task: the loops here wait on real processes, and a cancelled
    /// `Task.sleep` returns at once, which turned them into busy loops.
    static func pause(_ duration: Duration) async {
        let nanoseconds = Int(duration.components.seconds) * 1_000_000_000 + Int(duration.components.attoseconds / 1_000_000_000)
        await withCheckedContinuation { continuation in
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { continuation.resume() }
        }
    }

    /// Our own child is alive until it is reaped (until then its pid cannot be reused); an adopted process while
    /// `/proc` shows it with its recorded start time.
    var isAlive: Bool {
        if let child { return !child.hasExited }
        return Self.startTicks(of: record.pid) == record.startTicks
    }

    /// SIGTERM to the container's process group, SIGKILL after `grace`, then SIGKILL to anything still in its
    /// mount namespace (a process that left the group would keep the volumes busy). Returns once all are gone.
    func stop(grace: Duration) async {
        // The pid is trusted only while it is still this container's process (our child not yet exited, or the
        // same start time): a pid the kernel has handed to another process since must never be signalled, nor
        // its mount namespace swept (it could be another container's).
        guard isAlive else {
            if child != nil { _ = await wait() }
            return
        }
        // The namespace is held open for the whole stop: once its last process is gone the kernel frees it and
        // hands its identifier to the next namespace created — another container's, which the sweep would kill.
        let held = open("/proc/\(record.pid)/ns/mnt", O_RDONLY | O_CLOEXEC)
        defer { if held >= 0 { close(held) } }
        let read = held >= 0 ? Self.mountNamespace(of: record.pid) : nil
        let namespace = isAlive ? read : nil
        // The process group (the helper called setsid); the process alone if the group is not there yet. Never
        // both: a shell's TERM trap would run twice.
        if kill(-record.pid, SIGTERM) != 0 { kill(record.pid, SIGTERM) }
        let deadline = ContinuousClock.now.advanced(by: grace)
        while isAlive, ContinuousClock.now < deadline { await Self.pause(.milliseconds(20)) }
        if isAlive, kill(-record.pid, SIGKILL) != 0 { kill(record.pid, SIGKILL) }
        // Only a namespace of the container's own: a helper that had not unshared yet is in the host's, and
        // every process of the host must never be swept.
        guard let namespace, namespace != Self.mountNamespace(of: getpid()) else {
            if child != nil { _ = await wait() }
            return
        }
        let sweepDeadline = ContinuousClock.now.advanced(by: .seconds(5))
        while ContinuousClock.now < sweepDeadline {
            let stragglers = Self.processes(inMountNamespace: namespace)
            if stragglers.isEmpty { break }
            for pid in stragglers { kill(pid, SIGKILL) }
            await Self.pause(.milliseconds(20))
        }
        if child != nil { _ = await wait() }
    }

    /// Field 22 of `/proc/<pid>/stat`, or nil when there is no such process (or it is a zombie already).
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is the state (field 3); the start time is field 22.
        guard fields.count > 19, fields[0] != "Z" else { return nil }
        return UInt64(fields[19])
    }

    static func mountNamespace(of pid: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/mnt")
    }

    static func processes(inMountNamespace namespace: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { $0 != getpid() && mountNamespace(of: $0) == namespace }
    }
}

/// The running containers of this node, as another process on the box (`stowage exec`) finds them.
public enum RunningContainers {
    /// The pid of container `container` of the pod with `podUID`, when its process is running (the pid in its
    /// `state.json` with the same start time); nil otherwise.
    public static func pid(podsDirectory: String, podUID: String, container: String) -> Int32? {
        let path = "\(podsDirectory)/\(podUID)/containers/\(container)/state.json"
        guard let data = FileManager.default.contents(atPath: path),
              let record = try? JSONDecoder().decode(ContainerRecord.self, from: data),
              record.pid > 1, ContainerProcess.startTicks(of: record.pid) == record.startTicks else { return nil }
        return record.pid
    }
}

extension RunningContainers {
    /// What the API server's `pods/exec` starts for a command in a running container of this node:
    /// `stowage-container-init --join PID COMMAND…` (the container's namespaces, working directory and environment).
    /// The closure throws `APIError` (BadRequest) when the container is not running here.
    public static func execLauncher(podsDirectory: String, helper: String) -> @Sendable (Pod, String, [String]) throws -> [String] {
        { pod, container, command in
            guard let pid = pid(podsDirectory: podsDirectory, podUID: pod.metadata.uid ?? "", container: container) else {
                throw APIError.badRequest("container \(container) of pod \(pod.metadata.name ?? "") is not running on this machine")
            }
            return [helper, "--join", String(pid)] + command
        }
    }
}
