import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageNode

/// `stowage exec POD [-c NAME] -- CMD…`: runs a command in a running container of a pod on this machine, in the
/// container's mount and UTS namespaces, working directory and environment, as `kubectl exec` does. Standard
/// input, output and error are the terminal's; the exit status is the command's.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container of a pod on this machine: stowage exec web-0 -- cat /data/log.")

    @OptionGroup var target: PodTargetOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
    var command: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. stowage exec web-0 -- ls /data") }
    }

    func run() async throws {
        let name = try target.podName()
        var pid: Int32 = 0
        try await CommandErrors.reporting {
            pid = try await connection.withCluster { cluster in
                try await containerProcess(of: try await cluster.get(Pod.self, ObjectKey(namespace: target.namespace, name: name)))
            }
        }
        let helper = DriverSupervisor.defaultBinaries + "/stowage-container-init"
        let argv = [helper, "--join", String(pid)] + command
        var pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        pointers.append(nil)
        execv(helper, pointers)
        throw CommandFailure("cannot run \(helper): \(String(cString: strerror(errno)))")
    }

    /// The pid of the chosen container, which must be running on this machine.
    private func containerProcess(of pod: Pod) async throws -> Int32 {
        let name = pod.metadata.name ?? ""
        let containers = (pod.spec?.containers ?? []).compactMap(\.name) + (pod.spec?.initContainers ?? []).compactMap(\.name)
        let chosen: String
        if let container = target.container {
            guard containers.contains(container) else {
                throw CommandFailure("container \(container) is not valid for pod \(name); it has: \(containers.joined(separator: ", "))")
            }
            chosen = container
        } else {
            guard let first = pod.spec?.containers?.first?.name else { throw CommandFailure("pod \(name) has no containers") }
            if (pod.spec?.containers?.count ?? 0) > 1 {
                FileHandle.standardError.write(Data("Defaulted container \"\(first)\" out of: \((pod.spec?.containers ?? []).compactMap(\.name).joined(separator: ", "))\n".utf8))
            }
            chosen = first
        }
        let podsDirectory = connection.state.resolvedDirectory + "/pods"
        let podDirectory = "\(podsDirectory)/\(pod.metadata.uid ?? "")"
        guard FileManager.default.fileExists(atPath: podDirectory) else {
            let node = pod.spec?.nodeName.flatMap { $0.isEmpty ? nil : $0 }
            throw CommandFailure(node.map { "pod \(name) runs on node \($0), not under \(podsDirectory): run stowage exec on that machine with its --state-dir, or kubectl exec (the API server reaches that node)" }
                                 ?? "pod \(name) is not placed on a node yet")
        }
        guard let pid = RunningContainers.pid(podsDirectory: podsDirectory, podUID: pod.metadata.uid ?? "", container: chosen) else {
            throw CommandFailure("container \(chosen) of pod \(name) is not running")
        }
        return pid
    }
}
