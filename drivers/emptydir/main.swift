import Foundation
import StowageCSI
import StowageLinux

let usage = """
usage: stowage-emptydir --endpoint unix:///PATH --state-dir DIR --node-id NAME
                        [--base-dir DIR] [--default-memory-size QUANTITY] [--project-id-base N]

Serves emptydir.stowage.dev: pod-scoped (ephemeral inline) volumes. Disk medium: a directory
<base-dir>/<pod uid>/<volume id> (default base <state-dir>/volumes/emptydir), sizeLimit enforced by a project
quota where the filesystem allows, else measured and reported. Medium Memory: a tmpfs of sizeLimit (or
--default-memory-size, default 64Mi). The volume lives until NodeUnpublishVolume (the pod's end on this node).
"""
let line = DriverCommandLine.main(usage: usage, driverOptions: ["base-dir", "default-memory-size", "project-id-base"])
do {
    let configuration = try EmptyDirConfiguration(line)
    let driver = try EmptyDirDriver(configuration)
    try await serveUntilSignalled(driver, endpoint: line.endpoint, name: "stowage-emptydir")
} catch {
    FileHandle.standardError.write(Data("stowage-emptydir: \(error)\n".utf8))
    exit(1)
}
