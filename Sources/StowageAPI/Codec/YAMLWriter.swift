import Yams

/// Prints ``JSONValue`` trees as YAML, as `kubectl get -o yaml` does (block style, keys in the tree's order).
public enum YAMLWriter {
    /// The YAML text of `value`.
    public static func string(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), width: -1, allowUnicode: true)
    }

    private static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node("null", Tag(.null))
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
        case .number(let text): return Node(text, Tag(.int))
        case .string(let text):
            let node = Node(text, Tag(.str))
            // Quote strings that YAML would otherwise read as another type (`"true"`, `"1.10"`, `""`).
            if case .scalar(var scalar) = node, Node(text).tag.description != Tag.Name.str.rawValue || text.isEmpty {
                scalar.style = .doubleQuoted
                return .scalar(scalar)
            }
            return node
        case .array(let items): return Node(items.map(node))
        case .object(let object): return Node(object.members.map { (Node($0.key), node($0.value)) })
        }
    }
}
