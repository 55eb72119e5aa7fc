import Foundation
import StowageAPI
import StowageJSON

/// Prints objects as kubectl does: a table (`-o wide` adds columns), YAML, JSON, or `kind/name` lines.
enum OutputFormat: String, CaseIterable {
    case table, wide, yaml, json, name
}

struct ObjectPrinter {
    var format: OutputFormat
    var showNamespace: Bool

    /// Renders `objects` (all of one kind) in the chosen format.
    func render<T: APIObject>(_ objects: [T]) throws -> String {
        switch format {
        case .name:
            return objects.map { "\(T.resource.singular)/\($0.metadata.name ?? "")\n" }.joined()
        case .json:
            let trees = try objects.map { try APICodec.tree($0) }
            let value: JSONValue = trees.count == 1 ? trees[0] : .object(JSONObject(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(trees)]))
            return JSONWriter.indentedString(value) + "\n"
        case .yaml:
            let trees = try objects.map { try APICodec.tree($0) }
            if trees.count == 1 { return try YAMLWriter.string(trees[0]) }
            return try YAMLWriter.string(.object(JSONObject(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(trees)])))
        case .table, .wide:
            return try table(objects)
        }
    }

    private func table<T: APIObject>(_ objects: [T]) throws -> String {
        let columns = PrinterColumns.columns(for: T.resource).filter { !$0.wide || format == .wide }
        var rows: [[String]] = [(showNamespace ? ["NAMESPACE"] : []) + ["NAME"] + columns.map(\.name) + ["AGE"]]
        for object in objects {
            let tree = try APICodec.tree(object)
            rows.append((showNamespace ? [object.metadata.namespace ?? ""] : []) + [object.metadata.name ?? ""]
                        + columns.map { $0.value(tree) } + [PrinterColumns.age(since: object.metadata.creationTimestamp)])
        }
        let widths = rows[0].indices.map { index in rows.map { $0[index].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
