import Yams
import StowageJSON

/// One YAML (or JSON) document turned into a ``JSONValue``, with the position of every field so that errors
/// can point at a line.
struct SourceDocument {
    /// 1-based index of the document in its file.
    var index: Int
    var value: JSONValue
    /// Position of each field path (`spec.resources.requests.storage`), as Kubernetes prints paths.
    var positions: [String: TextPosition]
    /// Where the document starts.
    var start: TextPosition

    /// The position of `path`, or of its nearest ancestor that has one.
    func position(of path: String) -> TextPosition {
        var candidate = path
        while !candidate.isEmpty {
            if let found = positions[candidate] { return found }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            candidate = String(candidate[..<cut])
        }
        return start
    }
}

/// Converts YAML streams into ``JSONValue`` documents the way Kubernetes' YAML handling does: YAML 1.1 scalars
/// (`true`, `yes`, `1`, `1.5`, `~`), string keys, multi-document streams separated by `---`, empty documents kept
/// as `null` (callers skip them).
enum YAMLBridge {
    /// Parses every document in `text`.
    /// - Throws: ``ManifestError`` with the line of a YAML syntax error.
    static func documents(_ text: String, file: String) throws -> [SourceDocument] {
        var result: [SourceDocument] = []
        do {
            var index = 0
            var stream = try Yams.compose_all(yaml: text, .basic)  // plain scalars typed by YAMLPlainScalar
            while let node = stream.next() {
                index += 1
                var positions: [String: TextPosition] = [:]
                let value = try convert(node, path: "", positions: &positions, file: file, document: index)
                let start = node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
                result.append(SourceDocument(index: index, value: value, positions: positions, start: start))
            }
            if let error = stream.error { throw error }
        } catch let error as YamlError {
            throw ManifestError.yaml(error, file: file, documentCount: result.count)
        }
        return result
    }

    private static func convert(
        _ node: Yams.Node, path: String, positions: inout [String: TextPosition], file: String, document: Int
    ) throws -> JSONValue {
        if let mark = node.mark, !path.isEmpty, positions[path] == nil {
            positions[path] = TextPosition(line: mark.line, column: mark.column)
        }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (offset, element) in sequence.enumerated() {
                items.append(try convert(element, path: "\(path)[\(offset)]", positions: &positions, file: file, document: document))
            }
            return .array(items)
        case .mapping(let mapping):
            var object = JSONObject()
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw ManifestError(file: file, document: document, position: keyNode.mark.map { TextPosition(line: $0.line, column: $0.column) },
                                        field: path.isEmpty ? nil : path, message: "mapping keys must be strings")
                }
                let key = keyScalar.string
                let childPath = FieldPathFormatter.append(key, isMapKey: true, to: path)
                if object[key] != nil {
                    throw ManifestError(file: file, document: document, position: keyNode.mark.map { TextPosition(line: $0.line, column: $0.column) },
                                        field: childPath, message: "duplicate key \"\(key)\"")
                }
                if let mark = keyNode.mark { positions[childPath] = TextPosition(line: mark.line, column: mark.column) }
                object[key] = try convert(valueNode, path: childPath, positions: &positions, file: file, document: document)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    private static func scalarValue(_ scalar: Yams.Node.Scalar) -> JSONValue {
        let node = Yams.Node.scalar(scalar)
        // An untagged plain scalar has the empty tag name; quoted and block scalars come tagged `str`.
        let declared = scalar.tag.description
        switch declared.isEmpty ? YAMLPlainScalar.tag(of: scalar.string).rawValue : declared {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue:
            if let number = node.int { return .number(String(number)) }
            return .string(scalar.string)
        case Tag.Name.float.rawValue:
            guard let number = node.float, number.isFinite else { return .string(scalar.string) }
            let plain = scalar.string.replacingOccurrences(of: "_", with: "")
            if (try? JSONParser.parse(plain)).map({ if case .number = $0 { return true } else { return false } }) == true {
                return .number(plain)
            }
            return .number(number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number))
        default:
            return .string(scalar.string)
        }
    }
}
