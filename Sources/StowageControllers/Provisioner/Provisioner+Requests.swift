import StowageAPI
import StowageCSI

extension Provisioner {
    /// StorageClass parameters with this prefix are for Stowage (and Kubernetes' sidecars), not the driver —
    /// except the filesystem type, which drivers read too.
    static let reservedParameterPrefix = "csi.storage.k8s.io/"
    static let fsTypeParameters = ["csi.storage.k8s.io/fstype", "fsType"]

    /// The `CreateVolume` call for `claim`: the deterministic name, the requested size, one capability per access
    /// mode (block or mount with the class's mount options), the class's parameters, and the driver's node as the
    /// required topology.
    static func createRequest(for claim: PersistentVolumeClaim, class storageClass: StorageClass, driver: RegisteredDriver,
                              name: String) -> CreateVolumeRequest {
        let block = claim.spec?.effectiveVolumeMode == PersistentVolumeMode.block
        let parameters = storageClass.parameters ?? [:]
        let fsType = fsTypeParameters.lazy.compactMap { parameters[$0] }.first ?? ""
        let accessType: VolumeCapability.AccessType = block
            ? .block(.init())
            : .mount(.init(fsType: fsType, mountFlags: storageClass.mountOptions ?? []))
        let capabilities = (claim.spec?.accessModes ?? [PersistentVolumeAccessMode.readWriteOnce]).map { mode in
            VolumeCapability(accessType: accessType, accessMode: .init(mode: csiMode(mode)))
        }
        let request = claim.storageRequest?.value ?? 0
        let topology = driver.topology.isEmpty ? nil
            : TopologyRequirement(requisite: [Topology(segments: driver.topology)], preferred: [Topology(segments: driver.topology)])
        return CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: request),
            volumeCapabilities: capabilities,
            parameters: parameters.filter { !$0.key.hasPrefix(reservedParameterPrefix) },
            accessibilityRequirements: topology)
    }

    /// The PV recording a created volume (§3): claimRef to the claim, the class's policy and options, the
    /// claim's modes, the driver's capacity (the request when it answered 0), a `csi` source, and node affinity
    /// from the volume's accessible topology.
    static func persistentVolume(named name: String, for claim: PersistentVolumeClaim, class storageClass: StorageClass,
                             driver: String, volume: StowageCSI.Volume) -> PersistentVolume {
        let parameters = storageClass.parameters ?? [:]
        let block = claim.spec?.effectiveVolumeMode == PersistentVolumeMode.block
        let capacity = volume.capacityBytes > 0 ? Quantity(bytes: volume.capacityBytes) : (claim.storageRequest ?? Quantity(bytes: 0))
        var spec = PersistentVolumeSpec()
        spec.capacity = [StorageResourceName.storage: capacity]
        spec.accessModes = claim.spec?.accessModes
        spec.persistentVolumeReclaimPolicy = storageClass.reclaimPolicy ?? PersistentVolumeReclaimPolicy.delete
        spec.storageClassName = storageClass.metadata.name
        spec.mountOptions = storageClass.mountOptions
        spec.volumeMode = claim.spec?.effectiveVolumeMode
        spec.csi = CSIPersistentVolumeSource(
            driver: driver, volumeHandle: volume.volumeId,
            fsType: block ? nil : (fsTypeParameters.lazy.compactMap { parameters[$0] }.first ?? "ext4"),
            volumeAttributes: volume.volumeContext.isEmpty ? nil : volume.volumeContext)
        spec.claimRef = ObjectReference(
            kind: PersistentVolumeClaim.resource.kind, namespace: claim.metadata.namespace, name: claim.metadata.name,
            uid: claim.metadata.uid, apiVersion: PersistentVolumeClaim.resource.apiVersion,
            resourceVersion: claim.metadata.resourceVersion)
        let terms = volume.accessibleTopology.filter { !$0.segments.isEmpty }.map { topology in
            NodeSelectorTerm(matchExpressions: topology.segments.sorted { $0.key < $1.key }.map {
                NodeSelectorRequirement(key: $0.key, operator: "In", values: [$0.value])
            })
        }
        if !terms.isEmpty { spec.nodeAffinity = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: terms)) }
        return PersistentVolume(
            metadata: ObjectMeta(name: name, annotations: [StorageAnnotation.provisionedBy: driver],
                                 finalizers: [ProvisioningFinalizer.deleteStorage]),
            spec: spec)
    }

    static func csiMode(_ mode: String) -> VolumeCapability.AccessMode.Mode {
        switch mode {
        case PersistentVolumeAccessMode.readOnlyMany: return .multiNodeReaderOnly
        case PersistentVolumeAccessMode.readWriteMany: return .multiNodeMultiWriter
        case PersistentVolumeAccessMode.readWriteOncePod: return .singleNodeSingleWriter
        default: return .singleNodeWriter
        }
    }
}
