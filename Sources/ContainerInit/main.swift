// stowage-container-init: starts or enters one container for the node agent.
//   stowage-container-init SPEC.json        reads the launch description, starts a new session, enters new mount
//                                           and UTS namespaces, assembles the container's root (volumes at their
//                                           paths, the host untouched) and executes the command in place of itself.
//   stowage-container-init --join PID CMD…  runs CMD in the namespaces of the container process PID (exec probes,
//                                           stowage exec).
// A failure before the command runs is printed to stderr (the container's log) and exits 128, as a runtime's
// StartError does; a command that cannot be executed exits 127 (not found) or 126 (not executable), like a shell.
import Foundation
import StowageLinux

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
    exit(status)
}

func run(_ body: () throws -> Never, program: String) -> Never {
    do {
        try body()
    } catch let error as LinuxError where error.call == "execvp" {
        fail("stowage: cannot run \(program): \(error)", status: error.errno == ENOENT ? 127 : 126)
    } catch {
        fail("stowage: the container could not be started: \(error)", status: 128)
    }
}

let arguments = CommandLine.arguments
if arguments.count >= 4, arguments[1] == "--join", let pid = Int32(arguments[2]) {
    let command = Array(arguments[3...])
    run({ try ContainerRoot.join(pid: pid, arguments: command) }, program: command[0])
}
guard arguments.count == 2 else {
    fail("usage: stowage-container-init SPEC.json | --join PID COMMAND... (run by the stowage node agent)", status: 2)
}
let launch: ContainerLaunch
do {
    launch = try JSONDecoder().decode(ContainerLaunch.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[1])))
} catch {
    fail("stowage-container-init: cannot read \(arguments[1]): \(error)", status: 128)
}
// Its own session and process group, so the node can signal the container's whole tree at once.
_ = setsid()
run({ try ContainerRoot.enter(launch) }, program: launch.arguments.first ?? "")
