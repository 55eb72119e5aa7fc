import StowageAPI

/// StorageClass and the CSI kinds (storage.k8s.io/v1), and the workload and cluster kinds, whose spec and status
/// are described at the top level only.
enum OtherSchemas {
    static let storage = "io.k8s.api.storage.v1"
    static let core = "io.k8s.api.core.v1"
    static let apps = "io.k8s.api.apps.v1"

    static let definitions: [SchemaDefinition] = [
        SchemaDefinition(name: "StorageClass", package: storage,
            description: "A kind of storage claims can ask for: which driver provisions it, with which parameters, how volumes are reclaimed and when they are bound.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("provisioner", .string, "The driver that creates volumes of this class, e.g. hostpath.stowage.dev. Cannot be changed."),
                .init("parameters", .map(.string), "Driver-specific settings passed to CreateVolume. Cannot be changed."),
                .init("reclaimPolicy", .string, "Delete (default) or Retain, given to volumes this class provisions."),
                .init("mountOptions", .array(.string), "Mount options given to provisioned volumes."),
                .init("allowVolumeExpansion", .boolean, "Whether claims of this class may be grown by raising their request."),
                .init("volumeBindingMode", .string, "Immediate (default) or WaitForFirstConsumer: provision and bind only once a pod using the claim is placed."),
                .init("allowedTopologies", .array(.ref("TopologySelectorTerm")), "Where volumes of this class may be provisioned."),
            ], required: ["provisioner"], resource: StorageClass.resource),
        SchemaDefinition(name: "CSIDriver", package: storage,
            description: "Tells Stowage how to treat a driver: whether it needs attaching, which volume lifecycles it supports.",
            fields: StorageSchemas.kindFields("CSIDriverSpec", "The driver's properties.", nil, ""),
            required: ["spec"], resource: CSIDriver.resource),
        SchemaDefinition(name: "CSIDriverSpec", package: storage,
            description: "A driver's properties.",
            fields: [
                .init("attachRequired", .boolean, "Whether ControllerPublishVolume must run before a node can use a volume."),
                .init("podInfoOnMount", .boolean, "Whether NodePublishVolume receives the pod's name, namespace and uid."),
                .init("volumeLifecycleModes", .array(.string), "Persistent and/or Ephemeral (inline volumes)."),
                .init("storageCapacity", .boolean, "Whether placement consults CSIStorageCapacity objects for this driver."),
                .init("fsGroupPolicy", .string, "How volume ownership follows the pod's fsGroup."),
                .init("requiresRepublish", .boolean, "Whether NodePublishVolume is called again periodically."),
                .init("seLinuxMount", .boolean, "Whether the driver supports the SELinux context mount option."),
            ]),
        SchemaDefinition(name: "CSINode", package: storage,
            description: "The drivers installed on a node and what each reports about it.",
            fields: StorageSchemas.kindFields("CSINodeSpec", "The node's drivers.", nil, ""),
            required: ["spec"], resource: CSINode.resource),
        SchemaDefinition(name: "CSINodeSpec", package: storage,
            description: "The drivers of a node.",
            fields: [.init("drivers", .array(.ref("CSINodeDriver")), "One entry per driver on the node.", mergeKey: "name")], required: ["drivers"]),
        SchemaDefinition(name: "CSINodeDriver", package: storage,
            description: "One driver on a node.",
            fields: [
                .init("name", .string, "The driver's name."),
                .init("nodeID", .string, "The node's id as the driver knows it (NodeGetInfo)."),
                .init("topologyKeys", .array(.string), "The topology labels the driver uses."),
                .init("allocatable", .ref("VolumeNodeResources"), "How many volumes of this driver the node can hold."),
            ], required: ["name", "nodeID"]),
        SchemaDefinition(name: "VolumeNodeResources", package: storage,
            description: "Limits of a driver on a node.",
            fields: [.init("count", .integer, "The most volumes of this driver the node can use at once.")]),
        SchemaDefinition(name: "CSIStorageCapacity", package: storage,
            description: "How much storage a driver can still provision in a topology segment for a class, as the driver reported it.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("nodeTopology", .ref("LabelSelector"), "The nodes this capacity applies to."),
                .init("storageClassName", .string, "The class the capacity was reported for."),
                .init("capacity", .quantity, "The free space GetCapacity reported."),
                .init("maximumVolumeSize", .quantity, "The largest single volume that could be created."),
            ], required: ["storageClassName"], resource: CSIStorageCapacity.resource),
        SchemaDefinition(name: "Pod", package: core,
            description: "Processes run together on one node with the volumes they mount. Stowage runs each container with a command as a host process with its volumes at their mount paths; images are not pulled.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("spec", .object, "Containers, volumes, node placement and restart policy."),
                .init("status", .object, "Phase, conditions and container states, written by the node agent."),
            ], resource: Pod.resource),
        SchemaDefinition(name: "StatefulSet", package: apps,
            description: "Pods with stable names and one claim per volumeClaimTemplate per ordinal, kept across pod re-creation.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("spec", .object, "Replicas, selector, pod template, volumeClaimTemplates, update strategy and claim retention."),
                .init("status", .object, "Replica counts, revisions and conditions, written by the controller."),
            ], resource: StatefulSet.resource),
        SchemaDefinition(name: "ControllerRevision", package: apps,
            description: "One recorded pod template of a StatefulSet, so pods kept at an older revision are made again from it.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("data", .object, "The recorded template, as {\"spec\": {\"template\": ...}}; immutable."),
                .init("revision", .integer, "The revision number."),
            ], required: ["revision"], resource: ControllerRevision.resource),
        SchemaDefinition(name: "Node", package: core,
            description: "A machine Stowage places pods and volumes on.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("spec", .object, "Node settings."), .init("status", .object, "Addresses, capacity and conditions."),
            ], resource: Node.resource),
        SchemaDefinition(name: "Namespace", package: core,
            description: "A scope for names of namespaced objects.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("spec", .object, "Finalizers of the namespace."), .init("status", .object, "Active or Terminating."),
            ], resource: Namespace.resource),
        SchemaDefinition(name: "Event", package: core,
            description: "A report of something that happened to an object, shown by describe.",
            fields: Array(StorageSchemas.kindFields(nil, "", nil, "")) + [
                .init("involvedObject", .ref("ObjectReference"), "The object the event is about."),
                .init("reason", .string, "A short machine-readable reason, e.g. ProvisioningSucceeded."),
                .init("message", .string, "What happened, for people."),
                .init("type", .string, "Normal or Warning."),
                .init("count", .integer, "How many times this event happened."),
                .init("firstTimestamp", .time, "When it first happened."),
                .init("lastTimestamp", .time, "When it last happened."),
                .init("source", .object, "The component that reported it."),
                .init("reportingComponent", .string, "The controller that reported it."),
            ], resource: Event.resource),
    ]
}
