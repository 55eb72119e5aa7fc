import StowageJSON

// Metadata is part of every stored object, so it writes itself (see `JSONObjectWritable`); members in ascending
// key order, exactly what the synthesized `Encodable` conformance writes.

extension ObjectMeta: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("annotations", annotations)
        object.write("creationTimestamp", creationTimestamp)
        object.write("deletionGracePeriodSeconds", deletionGracePeriodSeconds)
        object.write("deletionTimestamp", deletionTimestamp)
        object.write("finalizers", finalizers)
        object.write("generateName", generateName)
        object.write("generation", generation)
        object.write("labels", labels)
        object.write("name", name)
        object.write("namespace", namespace)
        try object.write("ownerReferences", ownerReferences)
        object.write("resourceVersion", resourceVersion)
        object.write("uid", uid)
    }
}

extension OwnerReference: JSONObjectWritable {
    public func writeMembers(to object: inout JSONObjectWriter) throws {
        object.write("apiVersion", apiVersion)
        object.write("blockOwnerDeletion", blockOwnerDeletion)
        object.write("controller", controller)
        object.write("kind", kind)
        object.write("name", name)
        object.write("uid", uid)
    }
}
