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
    /// `-o jsonpath=…`: when set, replaces `format`.
    var jsonPath: JSONPathTemplate? = nil
    /// Whether a table starts with its header row (not for the rows a watch adds).
    var includeHeader = true

    /// Parses `-o`: a format name, or `jsonpath=TEMPLATE` (quotes around the template are optional).
    static func parse(output: String, showNamespace: Bool) throws -> ObjectPrinter {
        for prefix in ["jsonpath=", "jsonpath-as-json="] where output.hasPrefix(prefix) {
            var template = String(output.dropFirst(prefix.count))
            if template.count >= 2, let first = template.first, first == template.last, first == "'" || first == "\"" {
                template = String(template.dropFirst().dropLast())
            }
            return ObjectPrinter(format: .json, showNamespace: showNamespace, jsonPath: try JSONPathTemplate(template))
        }
        guard let format = OutputFormat(rawValue: output) else {
            let allowed = OutputFormat.allCases.map(\.rawValue) + ["jsonpath"]
            throw CommandFailure("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: \(allowed.joined(separator: ","))")
        }
        return ObjectPrinter(format: format, showNamespace: showNamespace)
    }

    /// Renders `objects` (all of one kind) in the chosen format. `single` renders one named object as itself
    /// rather than as a List (what kubectl does for `get KIND NAME`).
    func render<T: APIObject>(_ objects: [T], single: Bool = false) throws -> String {
        if let jsonPath {
            let trees = try objects.map { try APICodec.tree($0) }
            let document: JSONValue = single && trees.count == 1
                ? trees[0] : .object(JSONObject(["apiVersion": .string("v1"), "kind": .string("List"), "items": .array(trees)]))
            return jsonPath.render(document)
        }
        switch format {
        case .name:
            return objects.map { "\(T.resource.kubectlName)/\($0.metadata.name ?? "")\n" }.joined()
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
        let header = (showNamespace ? ["NAMESPACE"] : []) + ["NAME"] + columns.map(\.name) + ["AGE"]
        var rows: [[String]] = [header]
        for object in objects {
            let tree = try APICodec.tree(object)
            rows.append((showNamespace ? [object.metadata.namespace ?? ""] : []) + [PrinterColumns.name(in: tree, of: T.resource)]
                        + columns.map { $0.value(tree) } + [PrinterColumns.age(since: object.metadata.creationTimestamp)])
        }
        let widths = rows[0].indices.map { index in rows.map { $0[index].count }.max() ?? 0 }
        if !includeHeader { rows.removeFirst() }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}

