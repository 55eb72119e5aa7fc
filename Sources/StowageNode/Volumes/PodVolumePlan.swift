import StowageAPI
import StowageCSI
import StowageClient
import StowageControllers

/// What the node asks a driver for one volume of one pod: the driver, the volume id and context, the capability,
/// and whether it is a block device (published as a file) or a directory.
struct PlannedVolume: Sendable, Equatable {
    /// The volume's name in the pod spec.
    var name: String
    var driver: String
    var volumeId: String
    var volumeContext: [String: String]
    var capability: VolumeCapability
    var readOnly: Bool
    /// Whether the driver publishes a block device (a file target) rather than a directory.
    var isBlock: Bool
    /// Whether the volume is a PV's (stage once per node and share) rather than the pod's own.
    var isPersistent: Bool
}

/// Why a pod's volume cannot be mounted yet (the claim is missing, unbound, being deleted…), worded as kubelet
/// words it in its `FailedMount` events.
struct VolumeNotReady: Error, CustomStringConvertible {
    let description: String
}

/// Turns a pod's `spec.volumes` into what to ask the drivers for, from the informers' view of claims and volumes.
struct PodVolumePlanner: Sendable {
    let claims: Informer<PersistentVolumeClaim>
    let volumes: Informer<PersistentVolume>

    /// The drivers the built-in inline sources go to.
    static let hostPathDriver = "hostpath.stowage.dev"
    static let emptyDirDriver = "emptydir.stowage.dev"

    /// One entry per pod volume, in spec order.
    /// - Throws: ``VolumeNotReady`` naming the first volume that cannot be mounted yet and why.
    func plan(_ pod: Pod) throws -> [PlannedVolume] {
        try (pod.spec?.volumes ?? []).map { try plan($0, of: pod) }
    }

    private func plan(_ volume: StowageAPI.Volume, of pod: Pod) throws -> PlannedVolume {
        let name = volume.name ?? ""
        let uid = pod.metadata.uid ?? ""
        let podContext = [
            "csi.storage.k8s.io/ephemeral": "true",
            "csi.storage.k8s.io/pod.uid": uid,
            "csi.storage.k8s.io/pod.name": pod.metadata.name ?? "",
            "csi.storage.k8s.io/pod.namespace": pod.metadata.namespace ?? "default",
            "csi.storage.k8s.io/serviceAccount.name": pod.spec?.serviceAccountName ?? "default",
        ]
        let writable = VolumeCapability.AccessMode(mode: .singleNodeWriter)
        if let claimName = volume.claimName(podName: pod.metadata.name ?? "") {
            return try planClaim(claimName, volume: volume, pod: pod)
        }
        if let emptyDir = volume.emptyDir {
            var context = podContext
            context["medium"] = emptyDir.medium ?? ""
            if let limit = emptyDir.sizeLimit { context["sizeLimit"] = limit.description }
            return PlannedVolume(name: name, driver: Self.emptyDirDriver, volumeId: "\(uid)-\(name)", volumeContext: context,
                                 capability: VolumeCapability(accessType: .mount(.init()), accessMode: writable),
                                 readOnly: false, isBlock: false, isPersistent: false)
        }
        if let hostPath = volume.hostPath {
            return PlannedVolume(name: name, driver: Self.hostPathDriver, volumeId: "\(uid)-\(name)",
                                 volumeContext: Self.staticContext(path: hostPath.path ?? "", type: hostPath.type ?? ""),
                                 capability: VolumeCapability(accessType: .mount(.init()), accessMode: writable),
                                 readOnly: false, isBlock: false, isPersistent: false)
        }
        if let csi = volume.csi {
            return PlannedVolume(name: name, driver: csi.driver ?? "", volumeId: "csi-\(uid)-\(name)",
                                 volumeContext: (csi.volumeAttributes ?? [:]).merging(podContext) { _, pod in pod },
                                 capability: VolumeCapability(accessType: .mount(.init(fsType: csi.fsType ?? "")), accessMode: writable),
                                 readOnly: csi.readOnly ?? false, isBlock: false, isPersistent: false)
        }
        let kinds = volume.unsupportedSources.isEmpty ? "no source" : volume.unsupportedSources.joined(separator: ", ")
        throw VolumeNotReady(description: "volume \"\(name)\" has a source Stowage does not mount (\(kinds))")
    }

    private func planClaim(_ claimName: String, volume: StowageAPI.Volume, pod: Pod) throws -> PlannedVolume {
        let name = volume.name ?? ""
        let namespace = pod.metadata.namespace ?? "default"
        guard let claim = claims.get(ObjectKey(namespace: namespace, name: claimName)) else {
            throw VolumeNotReady(description: "persistentvolumeclaim \"\(claimName)\" not found")
        }
        if volume.ephemeral != nil, !(claim.metadata.ownerReferences ?? []).contains(where: { $0.uid == pod.metadata.uid && $0.controller == true }) {
            throw VolumeNotReady(description: "PVC \(namespace)/\(claimName) was not created for pod \(namespace)/\(pod.metadata.name ?? "") (pod is not owner)")
        }
        if claim.metadata.isBeingDeleted {
            throw VolumeNotReady(description: "persistentvolumeclaim \"\(claimName)\" is being deleted")
        }
        guard claim.status?.phase == PersistentVolumeClaimPhase.bound, let volumeName = claim.spec?.volumeName, !volumeName.isEmpty else {
            throw VolumeNotReady(description: "persistentvolumeclaim \"\(claimName)\" is not bound")
        }
        guard let bound = volumes.get(ObjectKey(name: volumeName)) else {
            throw VolumeNotReady(description: "persistentvolume \"\(volumeName)\" of claim \"\(claimName)\" not found")
        }
        let readOnly = volume.persistentVolumeClaim?.readOnly ?? false
        let isBlock = bound.spec?.effectiveVolumeMode == PersistentVolumeMode.block
        guard let capability = Expander.capability(of: bound) else {
            throw VolumeNotReady(description: "persistentvolume \"\(volumeName)\" has no access mode")
        }
        if let csi = bound.spec?.csi {
            return PlannedVolume(name: name, driver: csi.driver ?? "", volumeId: csi.volumeHandle ?? "",
                                 volumeContext: csi.volumeAttributes ?? [:], capability: capability,
                                 readOnly: readOnly || (csi.readOnly ?? false), isBlock: isBlock, isPersistent: true)
        }
        if let hostPath = bound.spec?.hostPath {
            return PlannedVolume(name: name, driver: Self.hostPathDriver, volumeId: "pv-\(volumeName)",
                                 volumeContext: Self.staticContext(path: hostPath.path ?? "", type: hostPath.type ?? ""),
                                 capability: capability, readOnly: readOnly, isBlock: false, isPersistent: true)
        }
        if let local = bound.spec?.local {
            return PlannedVolume(name: name, driver: Self.hostPathDriver, volumeId: "pv-\(volumeName)",
                                 volumeContext: Self.staticContext(path: local.path ?? "", type: HostPathType.directory),
                                 capability: capability, readOnly: readOnly, isBlock: false, isPersistent: true)
        }
        throw VolumeNotReady(description: "persistentvolume \"\(volumeName)\" has no source Stowage mounts (csi, hostPath or local)")
    }

    /// The hostpath driver's context for a static host path (its allow-list decides whether it may be used).
    static func staticContext(path: String, type: String) -> [String: String] {
        ["hostpath.stowage.dev/path": path, "hostpath.stowage.dev/type": type]
    }
}
