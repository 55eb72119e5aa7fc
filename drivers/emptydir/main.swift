import StowageCSI
import StowageLinux

// Placeholder until the emptydir driver lands (issue 5).
let commandLine = DriverCommandLine.main(usage: "usage: stowage-emptydir --endpoint unix:///PATH --state-dir DIR --node-id NAME")
print("stowage-emptydir: not implemented yet (endpoint \(commandLine.endpoint))")
