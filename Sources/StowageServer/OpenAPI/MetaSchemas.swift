/// Object metadata and the shared apimachinery types.
enum MetaSchemas {
    static let package = "io.k8s.apimachinery.pkg.apis.meta.v1"

    static let definitions: [SchemaDefinition] = [
        SchemaDefinition(name: "ObjectMeta", package: package,
            description: "Identity and bookkeeping every stored object carries: its name, namespace, labels, annotations, owners and the server-managed version fields.",
            fields: [
                .init("name", .string, "The object's name, unique among objects of its kind in its namespace. Cannot be changed once set."),
                .init("generateName", .string, "A prefix the server completes with random characters to make a unique name, used when name is empty."),
                .init("namespace", .string, "The namespace the object lives in; empty for cluster-scoped kinds. Defaults to \"default\" for namespaced kinds."),
                .init("uid", .string, "A unique identifier the server assigns at creation; a re-created object with the same name gets a new one."),
                .init("resourceVersion", .string, "The revision of the store at the object's last change. Send it back on update to detect concurrent changes; treat it as opaque."),
                .init("generation", .long, "A counter the server increments when the desired state (spec) changes."),
                .init("creationTimestamp", .time, "When the server created the object (UTC, RFC 3339)."),
                .init("deletionTimestamp", .time, "Set when deletion was requested; the object stays until its finalizers are removed."),
                .init("deletionGracePeriodSeconds", .long, "Seconds the object has to terminate gracefully once deletion was requested."),
                .init("labels", .map(.string), "Key/value pairs for selecting and grouping objects (label selectors match on these)."),
                .init("annotations", .map(.string), "Key/value pairs for tools and controllers; not used for selection."),
                .init("finalizers", .array(.string), "Names of pieces of work that must finish before the object is removed; each is removed by whoever completes it."),
                .init("ownerReferences", .array(.ref("OwnerReference")), "Objects this one depends on; the garbage collector removes it when they are all gone.", mergeKey: "uid"),
            ]),
        SchemaDefinition(name: "OwnerReference", package: package,
            description: "Points at an object that owns this one, in the same namespace.",
            fields: [
                .init("apiVersion", .string, "The owner's API version."),
                .init("kind", .string, "The owner's kind."),
                .init("name", .string, "The owner's name."),
                .init("uid", .string, "The owner's uid; a different object of the same name does not own this one."),
                .init("controller", .boolean, "Whether the owner is this object's managing controller (at most one is)."),
                .init("blockOwnerDeletion", .boolean, "With foreground deletion, whether the owner waits for this object to be deleted first."),
            ], required: ["apiVersion", "kind", "name", "uid"]),
        SchemaDefinition(name: "LabelSelector", package: package,
            description: "Selects objects by label: every matchLabels pair and every matchExpressions requirement must hold. An empty selector selects everything.",
            fields: [
                .init("matchLabels", .map(.string), "Labels that must be present with exactly these values."),
                .init("matchExpressions", .array(.ref("LabelSelectorRequirement")), "Set-based requirements (In, NotIn, Exists, DoesNotExist)."),
            ]),
        SchemaDefinition(name: "LabelSelectorRequirement", package: package,
            description: "One set-based label requirement.",
            fields: [
                .init("key", .string, "The label key."),
                .init("operator", .string, "In, NotIn, Exists or DoesNotExist."),
                .init("values", .array(.string), "The values for In and NotIn; must be empty for Exists and DoesNotExist."),
            ], required: ["key", "operator"]),
    ]
}
