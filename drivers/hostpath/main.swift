import Foundation
import StowageCSI
import StowageLinux

let usage = """
usage: stowage-hostpath --endpoint unix:///PATH --state-dir DIR --node-id NAME
                        [--base-dir DIR] [--host-path-allow-list DIR[,DIR...]] [--project-id-base N]

Serves hostpath.stowage.dev: dynamic volumes are directories under --base-dir (default
<state-dir>/volumes/hostpath), sized with XFS/ext4 project quotas where the filesystem enforces them; static
hostPath volumes are bind-mounted from directories inside --host-path-allow-list (default: the base dir only).
"""
let line = DriverCommandLine.main(usage: usage, driverOptions: ["base-dir", "host-path-allow-list", "project-id-base"])
do {
    let configuration = try HostPathConfiguration(line)
    let driver = try HostPathDriver(configuration)
    try await serveUntilSignalled(driver, endpoint: line.endpoint, name: "stowage-hostpath")
} catch {
    FileHandle.standardError.write(Data("stowage-hostpath: \(error)\n".utf8))
    exit(1)
}
