import Yams
import StowageJSON

/// Prints ``JSONValue`` trees as YAML, as `kubectl get -o yaml` does (block style, keys in the tree's order).
public enum YAMLWriter {
    /// The YAML text of `value`.
    public static func string(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), width: -1, allowUnicode: true)
    }

    private static func node(_ value: JSONValue) -> Yams.Node {
        switch value {
        case .null: return Yams.Node("null", Tag(.null))
        case .bool(let flag): return Yams.Node(flag ? "true" : "false", Tag(.bool))
        case .number(let text): return Yams.Node(text, Tag(.int))
        case .string(let text):
            let node = Yams.Node(text, Tag(.str))
            // Quote strings that YAML would otherwise read as another type (`"true"`, `"1.10"`, `""`).
            if case .scalar(var scalar) = node, Yams.Node(text).tag.description != Tag.Name.str.rawValue || text.isEmpty {
                scalar.style = .doubleQuoted
                return .scalar(scalar)
            }
            return node
        case .array(let items): return Yams.Node(items.map(node))
        case .object(let object): return Yams.Node(object.members.map { (Yams.Node($0.key), node($0.value)) })
        }
    }
}
