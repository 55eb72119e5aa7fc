import StowageAPI
import StowageClient

/// The StorageClasses a newcomer meets: created on first start (when no StorageClass exists at all) for the
/// built-in drivers this process runs. A class the administrator deleted or changed later is left as it is.
enum DefaultStorageClasses {
    /// `hostpath` (the default class, Immediate), `loop` (ext4 filesystems) and `loop-block` (for `volumeMode:
    /// Block` claims), both WaitForFirstConsumer: a loop volume is made on the node its first pod is placed on.
    /// The same objects as `examples/quickstart.yaml`.
    static let manifests: [String: String] = [
        "hostpath": """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: hostpath
              annotations: {storageclass.kubernetes.io/is-default-class: "true"}
            provisioner: hostpath.stowage.dev
            reclaimPolicy: Delete
            volumeBindingMode: Immediate
            allowVolumeExpansion: false
            """,
        "loop": """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: loop}
            provisioner: loop.stowage.dev
            parameters: {csi.storage.k8s.io/fstype: ext4}
            reclaimPolicy: Delete
            volumeBindingMode: WaitForFirstConsumer
            allowVolumeExpansion: true
            """,
        "loop-block": """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: loop-block}
            provisioner: loop.stowage.dev
            reclaimPolicy: Delete
            volumeBindingMode: WaitForFirstConsumer
            allowVolumeExpansion: true
            """,
    ]

    /// Creates the classes of the drivers in `drivers` when the cluster has no StorageClass yet; returns their names.
    static func ensure(in cluster: any Cluster, drivers: [String]) async throws -> [String] {
        guard try await cluster.list(StorageClass.self, ListOptions(limit: 1)).items.isEmpty else { return [] }
        var created: [String] = []
        for name in ["hostpath", "loop", "loop-block"] where drivers.contains(name == "hostpath" ? "hostpath" : "loop") {
            let objects = try ManifestApplier.load(text: manifests[name] ?? "", file: "built-in StorageClass \(name)")
            _ = try await ManifestApplier(cluster: cluster).apply(objects)
            created.append(name)
        }
        return created
    }
}
