import StowageJSON
/// Why a JSON value does not decode into an API object: the field path and a message in Kubernetes' style
/// (`spec.replicas: Invalid value: "three": expected an integer, found string`).
public struct DecodeProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field path, empty for the whole object.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { field.isEmpty ? message : "\(field): \(message)" }

    init(_ error: DecodingError, in root: JSONValue) {
        switch error {
        case .typeMismatch(_, let context):
            let path = FieldPathFormatter.string(context.codingPath)
            self.init(field: path, message: "Invalid value: \(Self.render(root, context.codingPath)): \(context.debugDescription)")
        case .valueNotFound(_, let context):
            self.init(field: FieldPathFormatter.string(context.codingPath), message: "Required value")
        case .keyNotFound(let key, let context):
            self.init(field: FieldPathFormatter.string(context.codingPath + [key]), message: "Required value")
        case .dataCorrupted(let context):
            let path = FieldPathFormatter.string(context.codingPath)
            self.init(field: path, message: "Invalid value: \(Self.render(root, context.codingPath)): \(context.debugDescription)")
        @unknown default:
            self.init(field: "", message: "\(error)")
        }
    }

    /// The value at `path` as Kubernetes prints it in errors: strings quoted, other JSON as is (abridged).
    private static func render(_ root: JSONValue, _ path: [any CodingKey]) -> String {
        var current = root
        for key in path {
            switch current {
            case .object(let object):
                guard let next = object[key.stringValue] else { return "null" }
                current = next
            case .array(let items):
                guard let index = key.intValue, items.indices.contains(index) else { return "null" }
                current = items[index]
            default:
                return "null"
            }
        }
        if case .string(let text) = current { return FieldError.quoted(text) }
        let text = JSONWriter.string(current)
        return text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}
