import ArgumentParser

/// The pod and container a command acts on (`logs`, `exec`): `POD` (NAME or pod/NAME), `-c NAME`, `-n NAMESPACE`.
struct PodTargetOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The pod (NAME or pod/NAME).", valueName: "pod"))
    var pod: String

    @Option(name: [.customShort("c"), .customLong("container")], help: "The container (needed for logs when the pod has more than one; exec defaults to the first).")
    var container: String?

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace.")
    var namespace: String = "default"

    /// The pod's name without a `pod/` or `pods/` prefix.
    /// - Throws: `ValidationError` for an empty name or another kind.
    func podName() throws -> String {
        let name = pod.hasPrefix("pod/") ? String(pod.dropFirst(4)) : pod.hasPrefix("pods/") ? String(pod.dropFirst(5)) : pod
        guard !name.isEmpty, !name.contains("/") else { throw ValidationError("\"\(pod)\" is not a pod name (NAME or pod/NAME)") }
        return name
    }
}
