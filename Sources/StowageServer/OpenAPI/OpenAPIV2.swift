import StowageAPI
import StowageJSON

/// The OpenAPI v2 (Swagger 2.0) document, `/openapi/v2`: the definitions of every kind, from the same
/// ``SchemaDefinition``s as the v3 documents. kubectl still reads it for one thing: validating the items of a
/// `kind: List` file on the client (`kubectl get pvc -o yaml > backup.yaml; kubectl apply -f backup.yaml`), which
/// fails with "the server could not find the requested resource" when the document is missing. kubectl asks for
/// the protobuf form (gnostic's `openapi.v2.Document`); other clients get JSON.
enum OpenAPIV2 {
    /// One schema, in the subset of Swagger 2.0 the definitions use.
    struct Schema {
        var reference: String?
        var description: String?
        var type: String?
        var format: String?
        var properties: [(String, Schema)] = []
        var required: [String] = []
        var items: [Schema] = []
        var additionalProperties: [Schema] = []
        /// Vendor extensions (`x-kubernetes-…`), each with its value.
        var extensions: [(String, JSONValue)] = []
    }

    /// Every definition by qualified name, in a stable order.
    static let definitions: [(String, Schema)] = {
        var result = OpenAPIDocuments.definitions.map { ($0.qualifiedName, schema(for: $0)) }
        result.append(("io.k8s.apimachinery.pkg.api.resource.Quantity", Schema(
            description: "A size or amount written as a number with an optional suffix: 1Gi, 500Mi, 2G, 100k, 1.5.", type: "string")))
        result.append(("io.k8s.apimachinery.pkg.apis.meta.v1.Time", Schema(
            description: "A UTC time in RFC 3339 form, to the second.", type: "string", format: "date-time")))
        return result
    }()

    /// The document as JSON.
    static let json: [UInt8] = JSONWriter.bytes(DiscoveryDocuments.object([
        ("swagger", .string("2.0")),
        ("info", info),
        ("paths", .object(JSONObject())),
        ("definitions", DiscoveryDocuments.object(definitions.map { ($0.0, jsonValue($0.1)) })),
    ]))

    /// The document as gnostic's `openapi.v2.Document` protobuf message, the form kubectl asks for.
    static let protobuf: [UInt8] = {
        var document = ProtobufWriter()
        document.string(1, "2.0")
        var info = ProtobufWriter()
        info.string(1, "Stowage")
        info.string(2, version)
        document.message(2, info)
        document.message(8, ProtobufWriter())  // paths: none listed (the v3 documents carry them)
        var named = ProtobufWriter()
        for (name, schema) in definitions {
            var entry = ProtobufWriter()
            entry.string(1, name)
            entry.message(2, protobufSchema(schema))
            named.message(1, entry)
        }
        document.message(9, named)
        return document.bytes
    }()

    private static var version: String { "v1.\(DiscoveryDocuments.kubernetesMinor).0" }
    private static var info: JSONValue {
        DiscoveryDocuments.object([("title", .string("Stowage")), ("version", .string(version))])
    }

    // MARK: - From the definitions

    private static func schema(for definition: SchemaDefinition) -> Schema {
        var schema = Schema(description: definition.description, type: "object")
        schema.properties = definition.fields.map { field in
            var property = self.schema(for: field.type)
            property.description = field.description
            if let key = field.mergeKey {
                property.extensions = [("x-kubernetes-list-map-keys", .array([.string(key)])), ("x-kubernetes-list-type", .string("map")),
                                       ("x-kubernetes-patch-merge-key", .string(key)), ("x-kubernetes-patch-strategy", .string("merge"))]
            }
            return (field.name, property)
        }
        schema.required = definition.required
        if let resource = definition.resource {
            schema.extensions = [("x-kubernetes-group-version-kind", .array([SchemaRenderer.gvk(resource)]))]
        }
        return schema
    }

    private static func schema(for type: SchemaDefinition.FieldType) -> Schema {
        switch type {
        case .string: return Schema(type: "string")
        case .integer: return Schema(type: "integer", format: "int32")
        case .long: return Schema(type: "integer", format: "int64")
        case .boolean: return Schema(type: "boolean")
        case .quantity: return Schema(reference: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity")
        case .time: return Schema(reference: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Time")
        case .ref(let name): return Schema(reference: "#/definitions/" + OpenAPIDocuments.qualify(name))
        case .array(let element): return Schema(type: "array", items: [schema(for: element)])
        case .map(let value): return Schema(type: "object", additionalProperties: [schema(for: value)])
        case .object: return Schema(type: "object", extensions: [("x-kubernetes-preserve-unknown-fields", .bool(true))])
        }
    }

    // MARK: - Renderings

    private static func jsonValue(_ schema: Schema) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let reference = schema.reference { members.append(("$ref", .string(reference))) }
        if let description = schema.description { members.append(("description", .string(description))) }
        if let type = schema.type { members.append(("type", .string(type))) }
        if let format = schema.format { members.append(("format", .string(format))) }
        if let items = schema.items.first { members.append(("items", jsonValue(items))) }
        if let value = schema.additionalProperties.first { members.append(("additionalProperties", jsonValue(value))) }
        if !schema.properties.isEmpty {
            members.append(("properties", DiscoveryDocuments.object(schema.properties.map { ($0.0, jsonValue($0.1)) })))
        }
        if !schema.required.isEmpty { members.append(("required", .array(schema.required.map(JSONValue.string)))) }
        members += schema.extensions
        return DiscoveryDocuments.object(members)
    }

    /// gnostic's `openapi.v2.Schema`: `_ref` 1, `format` 2, `description` 4, `required` 19,
    /// `additional_properties` 21, `type` 22, `items` 23, `properties` 25, `vendor_extension` 31. A vendor
    /// extension's value travels as YAML text (`Any.yaml`, field 2); JSON is YAML, so it is written as JSON.
    private static func protobufSchema(_ schema: Schema) -> ProtobufWriter {
        var message = ProtobufWriter()
        if let reference = schema.reference { message.string(1, reference) }
        if let format = schema.format { message.string(2, format) }
        if let description = schema.description { message.string(4, description) }
        for name in schema.required { message.string(19, name) }
        if let value = schema.additionalProperties.first {
            var item = ProtobufWriter()
            item.message(1, protobufSchema(value))
            message.message(21, item)
        }
        if let type = schema.type {
            var item = ProtobufWriter()
            item.string(1, type)
            message.message(22, item)
        }
        if !schema.items.isEmpty {
            var item = ProtobufWriter()
            for element in schema.items { item.message(1, protobufSchema(element)) }
            message.message(23, item)
        }
        if !schema.properties.isEmpty {
            var properties = ProtobufWriter()
            for (name, property) in schema.properties {
                var entry = ProtobufWriter()
                entry.string(1, name)
                entry.message(2, protobufSchema(property))
                properties.message(1, entry)
            }
            message.message(25, properties)
        }
        for (name, value) in schema.extensions {
            var any = ProtobufWriter()
            any.string(2, String(decoding: JSONWriter.bytes(value), as: UTF8.self))
            var entry = ProtobufWriter()
            entry.string(1, name)
            entry.message(2, any)
            message.message(31, entry)
        }
        return message
    }
}
