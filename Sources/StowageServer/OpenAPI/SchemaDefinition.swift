import StowageAPI
import StowageJSON

/// A compact description of one API type for the OpenAPI documents: its fields, their types and what they
/// mean. Rendered as Kubernetes renders its schemas, so `kubectl explain` can walk them.
struct SchemaDefinition: Sendable {
    /// A field's type.
    indirect enum FieldType: Sendable {
        case string, integer, long, boolean, quantity, time
        /// Another definition, by short name (`PersistentVolumeClaimSpec`).
        case ref(String)
        case array(FieldType)
        case map(FieldType)
        /// Any JSON object (fields Stowage keeps but does not describe here).
        case object
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var description: String
        /// For lists: the strategic-merge key (`name`, `mountPath`, `type`).
        var mergeKey: String? = nil
    }

    /// Short name, unique across groups (`PersistentVolumeClaim`).
    var name: String
    /// The OpenAPI package (`io.k8s.api.core.v1`).
    var package: String
    var description: String
    var fields: [Field]
    var required: [String] = []
    /// Set for top-level kinds.
    var resource: APIResource? = nil

    var qualifiedName: String { "\(package).\(name)" }
}

extension SchemaDefinition.Field {
    init(_ name: String, _ type: SchemaDefinition.FieldType, _ description: String, mergeKey: String? = nil) {
        self.init(name: name, type: type, description: description, mergeKey: mergeKey)
    }
}

/// Renders definitions as OpenAPI v3 schemas.
enum SchemaRenderer {
    static func render(_ definition: SchemaDefinition, qualify: (String) -> String) -> JSONValue {
        var members: [(String, JSONValue)] = [("description", .string(definition.description)), ("type", .string("object"))]
        var properties: [(String, JSONValue)] = []
        for field in definition.fields {
            properties.append((field.name, property(field, qualify: qualify)))
        }
        members.append(("properties", DiscoveryDocuments.object(properties)))
        if !definition.required.isEmpty { members.append(("required", .array(definition.required.map(JSONValue.string)))) }
        if let resource = definition.resource {
            members.append(("x-kubernetes-group-version-kind", .array([gvk(resource)])))
        }
        return DiscoveryDocuments.object(members)
    }

    static func gvk(_ resource: APIResource) -> JSONValue {
        DiscoveryDocuments.object([("group", .string(resource.group)), ("kind", .string(resource.kind)), ("version", .string(resource.version))])
    }

    private static func property(_ field: SchemaDefinition.Field, qualify: (String) -> String) -> JSONValue {
        var members = typeMembers(field.type, qualify: qualify)
        members.append(("description", .string(field.description)))
        if let key = field.mergeKey {
            members += [("x-kubernetes-list-map-keys", .array([.string(key)])), ("x-kubernetes-list-type", .string("map")),
                        ("x-kubernetes-patch-merge-key", .string(key)), ("x-kubernetes-patch-strategy", .string("merge"))]
        }
        return DiscoveryDocuments.object(members)
    }

    private static func typeMembers(_ type: SchemaDefinition.FieldType, qualify: (String) -> String) -> [(String, JSONValue)] {
        switch type {
        case .string: return [("type", .string("string"))]
        case .integer: return [("type", .string("integer")), ("format", .string("int32"))]
        case .long: return [("type", .string("integer")), ("format", .string("int64"))]
        case .boolean: return [("type", .string("boolean"))]
        case .quantity: return reference("io.k8s.apimachinery.pkg.api.resource.Quantity")
        case .time: return reference("io.k8s.apimachinery.pkg.apis.meta.v1.Time")
        case .ref(let name): return reference(qualify(name))
        case .array(let element): return [("type", .string("array")), ("items", DiscoveryDocuments.object(typeMembers(element, qualify: qualify)))]
        case .map(let value): return [("type", .string("object")), ("additionalProperties", DiscoveryDocuments.object(typeMembers(value, qualify: qualify)))]
        case .object: return [("type", .string("object")), ("x-kubernetes-preserve-unknown-fields", .bool(true))]
        }
    }

    private static func reference(_ qualified: String) -> [(String, JSONValue)] {
        [("allOf", .array([DiscoveryDocuments.object([("$ref", .string("#/components/schemas/\(qualified)"))])])), ("default", .object(JSONObject()))]
    }
}
