import Yams
import StowageJSON

/// A problem in a manifest file, located as precisely as possible: file, document, line and column, and the
/// field path. Its description reads `pvc.yaml:12:5: document 2: spec.resources.requests.storage: Invalid
/// value: "1Gx": quantities must match ...`.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based document index within the file, when known.
    public var document: Int?
    public var position: TextPosition?
    /// The field path the problem concerns, when known.
    public var field: String?
    public var message: String

    public init(file: String, document: Int?, position: TextPosition?, field: String?, message: String) {
        self.file = file
        self.document = document
        self.position = position
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let position { text += ":\(position.line):\(position.column)" }
        text += ": "
        if let document { text += "document \(document): " }
        if let field, !field.isEmpty { text += "\(field): " }
        return text + message
    }

    static func yaml(_ error: YamlError, file: String, documentCount: Int) -> ManifestError {
        func located(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> ManifestError {
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text) at line \(context.mark.line))" }
            return ManifestError(file: file, document: documentCount + 1, position: TextPosition(line: mark.line, column: mark.column), field: nil, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return located(problem, mark, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestError(file: file, document: documentCount + 1, position: TextPosition(line: context.mark.line, column: context.mark.column),
                                 field: nil, message: "duplicate keys \(duplicates.joined(separator: ", "))")
        default:
            return ManifestError(file: file, document: documentCount + 1, position: nil, field: nil, message: "invalid YAML: \(error)")
        }
    }
}
