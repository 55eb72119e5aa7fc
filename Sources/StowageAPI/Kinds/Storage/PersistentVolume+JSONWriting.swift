import StowageJSON

// PersistentVolumes are written on every bind, provision and reclaim, so they write themselves (see
// `JSONObjectWritable`); members in ascending key order, exactly what the synthesized `Encodable` conformances
// write. Rarely set parts (node affinity, local and CSI sources) go through `Encodable`.

extension PersistentVolume: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        try object.write("metadata", metadata)
        try object.write("spec", spec)
        try object.write("status", status)
    }
}

extension PersistentVolumeSpec: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("accessModes", accessModes)
        object.write("capacity", capacity)
        try object.write("claimRef", claimRef)
        try object.write("csi", csi)
        try object.write("hostPath", hostPath)
        try object.write("local", local)
        object.write("mountOptions", mountOptions)
        try object.write("nodeAffinity", nodeAffinity)
        object.write("persistentVolumeReclaimPolicy", persistentVolumeReclaimPolicy)
        object.write("storageClassName", storageClassName)
        object.write("volumeAttributesClassName", volumeAttributesClassName)
        object.write("volumeMode", volumeMode)
    }
}

extension PersistentVolumeStatus: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("lastPhaseTransitionTime", lastPhaseTransitionTime)
        object.write("message", message)
        object.write("phase", phase)
        object.write("reason", reason)
    }
}

extension ObjectReference: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("apiVersion", apiVersion)
        object.write("fieldPath", fieldPath)
        object.write("kind", kind)
        object.write("name", name)
        object.write("namespace", namespace)
        object.write("resourceVersion", resourceVersion)
        object.write("uid", uid)
    }
}

extension HostPathVolumeSource: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("path", path)
        object.write("type", type)
    }
}
