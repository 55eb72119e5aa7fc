import StowageAPI

/// Warnings returned (as `Warning: 299` headers, which kubectl prints) when an object is created: what Stowage
/// accepts but does not do the way a Kubernetes cluster would.
enum CreationWarnings {
    static func of(_ object: some APIObject) -> [String] {
        guard let pod = object as? Pod else { return [] }
        let containers = (pod.spec?.initContainers ?? []).map { ("initContainers", $0) } + (pod.spec?.containers ?? []).map { ("containers", $0) }
        var counters: [String: Int] = [:]
        var warnings: [String] = []
        for (list, container) in containers {
            let index = counters[list, default: 0]
            counters[list] = index + 1
            guard let image = container.image, !image.isEmpty else { continue }
            warnings.append("spec.\(list)[\(index)].image: \"\(image)\" is not pulled: Stowage runs the container's command from this machine's filesystem")
        }
        return warnings
    }
}
