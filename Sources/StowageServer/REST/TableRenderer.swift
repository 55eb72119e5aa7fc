import Foundation
import StowageAPI
import StowageJSON

/// `meta.k8s.io/v1` Table responses with the columns kubectl shows for each kind (NAME first, AGE last; `-o
/// wide` columns at priority 1), rows carrying PartialObjectMetadata (or the object) for kubectl to use.
enum TableRenderer {
    static func table<T: APIObject>(for objects: [T], resourceVersion: String, include: ContentNegotiation.IncludeObject) throws -> JSONValue {
        let columns = PrinterColumns.columns(for: T.resource)
        var definitions: [JSONValue] = [column("Name", priority: 0, format: "name", description: "The object's name, unique in its namespace.")]
        for column in columns {
            definitions.append(self.column(title(column.name), priority: column.wide ? 1 : 0, format: "", description: "\(title(column.name)) of the object."))
        }
        definitions.append(column("Age", priority: 0, format: "", description: "Time since the object was created."))
        var rows: [JSONValue] = []
        for object in objects {
            let tree = try APICodec.tree(object)
            var cells: [JSONValue] = [.string(PrinterColumns.name(in: tree, of: T.resource))]
            cells += columns.map { JSONValue.string($0.value(tree)) }
            cells.append(.string(PrinterColumns.age(since: object.metadata.creationTimestamp)))
            var row: [JSONObject.Member] = [.init(key: "cells", value: .array(cells))]
            switch include {
            case .none: break
            case .object: row.append(.init(key: "object", value: tree))
            case .metadata:
                row.append(.init(key: "object", value: .object(JSONObject([
                    .init(key: "kind", value: .string("PartialObjectMetadata")),
                    .init(key: "apiVersion", value: .string("meta.k8s.io/v1")),
                    .init(key: "metadata", value: tree["metadata"] ?? .object(JSONObject())),
                ]))))
            }
            rows.append(.object(JSONObject(row)))
        }
        return .object(JSONObject([
            .init(key: "kind", value: .string("Table")),
            .init(key: "apiVersion", value: .string("meta.k8s.io/v1")),
            .init(key: "metadata", value: .object(JSONObject([.init(key: "resourceVersion", value: .string(resourceVersion))]))),
            .init(key: "columnDefinitions", value: .array(definitions)),
            .init(key: "rows", value: .array(rows)),
        ]))
    }

    /// `ACCESS MODES` → `Access Modes` (kubectl upper-cases it again).
    private static func title(_ name: String) -> String {
        name.split(separator: " ").map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined(separator: " ")
    }

    private static func column(_ name: String, priority: Int, format: String, description: String) -> JSONValue {
        .object(JSONObject([
            .init(key: "name", value: .string(name)), .init(key: "type", value: .string("string")),
            .init(key: "format", value: .string(format)), .init(key: "description", value: .string(description)),
            .init(key: "priority", value: .number(String(priority))),
        ]))
    }
}
