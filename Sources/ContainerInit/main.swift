// stowage-container-init SPEC.json: starts one container's process for the node agent. It reads the launch
// description, enters new mount and UTS namespaces, assembles the container's root (volumes at their paths, the
// host untouched), and executes the command in place of itself — the node agent's child is the command.
// A failure before the command runs is printed to stderr (the container's log) and exits 128, as a runtime's
// StartError does; a command that cannot be executed exits 127 (not found) or 126 (not executable), like a shell.
import Foundation
import StowageLinux

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: stowage-container-init SPEC.json (run by the stowage node agent)\n".utf8))
    exit(2)
}
let launch: ContainerLaunch
do {
    launch = try JSONDecoder().decode(ContainerLaunch.self, from: Data(contentsOf: URL(fileURLWithPath: arguments[1])))
} catch {
    FileHandle.standardError.write(Data("stowage-container-init: cannot read \(arguments[1]): \(error)\n".utf8))
    exit(128)
}
do {
    try ContainerRoot.enter(launch)
} catch let error as LinuxError where error.call == "execvp" {
    FileHandle.standardError.write(Data("stowage: cannot run \(launch.arguments.first ?? ""): \(error)\n".utf8))
    exit(error.errno == ENOENT ? 127 : 126)
} catch {
    FileHandle.standardError.write(Data("stowage: the container could not be started: \(error)\n".utf8))
    exit(128)
}
