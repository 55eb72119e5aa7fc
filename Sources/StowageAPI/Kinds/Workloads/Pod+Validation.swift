// Pod create and update validation (ValidatePod, ValidatePodUpdate).

extension Pod {
    /// Validates a new pod: metadata, then the spec (volumes, containers, mounts, restart policy, ...).
    public func validate() -> [FieldError] {
        var errors = ObjectMetaValidation.validate(metadata, namespaced: true)
        errors += (spec ?? PodSpec()).validate(at: "spec", podName: metadata.name)
        return errors
    }

    /// The message Kubernetes gives when a pod update changes an immutable part of the spec.
    public static let immutableSpecMessage =
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
        + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
        + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

    /// Validates an update: the spec is immutable except container images, added tolerations and a negative
    /// grace period becoming 1. Beyond Kubernetes (which binds through a subresource), `spec.nodeName` may be
    /// set once when it was empty, which is how Stowage's placement binds a pod.
    public func validateUpdate(from old: Pod) -> [FieldError] {
        var errors = ObjectMetaValidation.validateUpdate(metadata, old: old.metadata)
        let oldSpec = old.spec ?? PodSpec()
        var munged = spec ?? PodSpec()
        munged.containers = Pod.withImages(of: oldSpec.containers, in: munged.containers)
        munged.initContainers = Pod.withImages(of: oldSpec.initContainers, in: munged.initContainers)
        if Pod.onlyAddsTolerations(old: oldSpec.tolerations, new: munged.tolerations) {
            munged.tolerations = oldSpec.tolerations
        }
        if let oldGrace = oldSpec.terminationGracePeriodSeconds, oldGrace < 0, munged.terminationGracePeriodSeconds == 1 {
            munged.terminationGracePeriodSeconds = oldGrace
        }
        if (oldSpec.nodeName ?? "").isEmpty { munged.nodeName = oldSpec.nodeName }
        if munged != oldSpec { errors.append(.forbidden("spec", Pod.immutableSpecMessage)) }
        return errors
    }

    /// `new` with each container's image replaced by the old image of the same position, when the lists line up.
    private static func withImages(of old: [Container]?, in new: [Container]?) -> [Container]? {
        guard let old, var new, old.count == new.count else { return new }
        for index in new.indices { new[index].image = old[index].image }
        return new
    }

    /// Whether `new` keeps every old toleration (adding is allowed, removing or changing is not).
    private static func onlyAddsTolerations(old: [Toleration]?, new: [Toleration]?) -> Bool {
        let newList = new ?? []
        return (old ?? []).allSatisfy { newList.contains($0) }
    }
}
