import StowageCSI
import StowageLinux

// Placeholder until the loop driver lands (issue 5).
let commandLine = DriverCommandLine.main(usage: "usage: stowage-loop --endpoint unix:///PATH --state-dir DIR --node-id NAME")
print("stowage-loop: not implemented yet (endpoint \(commandLine.endpoint))")
