import ArgumentParser
import Foundation
import StowageAPI
import StowageClient
import StowageNode

/// `stowage exec POD [-c NAME] -- CMD…`: runs a command in a running container of a pod, in the container's mount
/// and UTS namespaces, working directory and environment, as `kubectl exec` does: directly for a pod on this
/// machine, through the API server (`pods/exec`) for a pod on another. Standard input, output and error are the
/// terminal's; the exit status is the command's.
struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run a command in a running container of a pod: stowage exec web-0 -- cat /data/log.")

    @OptionGroup var target: PodTargetOptions

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
    var command: [String] = []

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if command.isEmpty { throw ValidationError("give the command after --, e.g. stowage exec web-0 -- ls /data") }
    }

    func run() async throws {
        let name = try target.podName()
        var place = Place.here(pid: 0)
        try await CommandErrors.reporting {
            place = try await connection.withCluster { cluster in
                try await containerPlace(of: try await cluster.get(Pod.self, ObjectKey(namespace: target.namespace, name: name)))
            }
        }
        switch place {
        case .here(let pid):
            let helper = DriverSupervisor.defaultBinaries + "/stowage-container-init"
            let argv = [helper, "--join", String(pid)] + command
            var pointers: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
            pointers.append(nil)
            execv(helper, pointers)
            throw CommandFailure("cannot run \(helper): \(String(cString: strerror(errno)))")
        case .elsewhere(let container):
            var code: Int32 = 1
            try await CommandErrors.reporting {
                code = try await RemoteExec(endpoint: try connection.httpsEndpoint())
                    .run(namespace: target.namespace, pod: name, container: container, command: command)
            }
            fflush(nil)
            Foundation.exit(code)
        }
    }

    /// Where the chosen container runs: a process of this machine's node agent, or another machine (reached
    /// through the API server, which carries the exec to that node's endpoint).
    private enum Place {
        case here(pid: Int32)
        case elsewhere(container: String)
    }

    /// The pid of the chosen container, which must be running on this machine.
    private func containerPlace(of pod: Pod) async throws -> Place {
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
            guard let node = pod.spec?.nodeName, !node.isEmpty else { throw CommandFailure("pod \(name) is not placed on a node yet") }
            return .elsewhere(container: chosen)
        }
        guard let pid = RunningContainers.pid(podsDirectory: podsDirectory, podUID: pod.metadata.uid ?? "", container: chosen) else {
            throw CommandFailure("container \(chosen) of pod \(name) is not running")
        }
        return .here(pid: pid)
    }
}
