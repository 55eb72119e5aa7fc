import StowageCSI
import StowageLinux

// Placeholder until the hostpath driver lands (issue 5).
let commandLine = DriverCommandLine.main(usage: "usage: stowage-hostpath --endpoint unix:///PATH --state-dir DIR --node-id NAME")
print("stowage-hostpath: not implemented yet (endpoint \(commandLine.endpoint))")
