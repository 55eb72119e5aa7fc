import StowageAPI

/// Index functions controllers share, for ``Informer``'s `indexes` parameter.
public enum StandardIndexes {
    /// Index name: claims by the volume they are bound to (`spec.volumeName`).
    public static let claimsByVolume = "spec.volumeName"
    /// Index name: pods by the node they are placed on (`spec.nodeName`).
    public static let podsByNode = "spec.nodeName"
    /// Index name: pods by every claim they use, as `namespace/claim`.
    public static let podsByClaim = "claims"

    /// Files a claim under its bound volume's name (nothing when unbound).
    @Sendable public static func volumeName(of claim: PersistentVolumeClaim) -> [String] {
        guard let volume = claim.spec?.volumeName, !volume.isEmpty else { return [] }
        return [volume]
    }

    /// Files a pod under its node (nothing while unplaced).
    @Sendable public static func nodeName(of pod: Pod) -> [String] {
        guard let node = pod.spec?.nodeName, !node.isEmpty else { return [] }
        return [node]
    }

    /// Files a pod under each claim it uses (``Pod/claimNames``: `persistentVolumeClaim` volumes and generic
    /// ephemeral volumes), as `namespace/claim`.
    @Sendable public static func claims(of pod: Pod) -> [String] {
        let namespace = pod.metadata.namespace ?? "default"
        return pod.claimNames.map { "\(namespace)/\($0)" }
    }
}
