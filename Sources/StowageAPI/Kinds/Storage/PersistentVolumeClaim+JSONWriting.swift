import StowageJSON

// Claims are written on every create, bind and resize, so they write themselves (see `JSONObjectWritable`);
// members in ascending key order, exactly what the synthesized `Encodable` conformances write. Rarely set parts
// (selector, data sources) go through `Encodable`.

extension PersistentVolumeClaim: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        try object.write("metadata", metadata)
        try object.write("spec", spec)
        try object.write("status", status)
    }
}

extension PersistentVolumeClaimSpec: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("accessModes", accessModes)
        try object.write("dataSource", dataSource)
        try object.write("dataSourceRef", dataSourceRef)
        try object.write("resources", resources)
        try object.write("selector", selector)
        object.write("storageClassName", storageClassName)
        object.write("volumeAttributesClassName", volumeAttributesClassName)
        object.write("volumeMode", volumeMode)
        object.write("volumeName", volumeName)
    }
}

extension VolumeResourceRequirements: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("limits", limits)
        object.write("requests", requests)
    }
}

extension PersistentVolumeClaimStatus: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("accessModes", accessModes)
        object.write("allocatedResourceStatuses", allocatedResourceStatuses)
        object.write("allocatedResources", allocatedResources)
        object.write("capacity", capacity)
        try object.write("conditions", conditions)
        object.write("currentVolumeAttributesClassName", currentVolumeAttributesClassName)
        try object.write("modifyVolumeStatus", modifyVolumeStatus)
        object.write("phase", phase)
    }
}

extension PersistentVolumeClaimCondition: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("lastProbeTime", lastProbeTime)
        object.write("lastTransitionTime", lastTransitionTime)
        object.write("message", message)
        object.write("reason", reason)
        object.write("status", status)
        object.write("type", type)
    }
}

extension ModifyVolumeStatus: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("status", status)
        object.write("targetVolumeAttributesClassName", targetVolumeAttributesClassName)
    }
}
