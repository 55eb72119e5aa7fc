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
        case .null: return Yams.Node("null", tag(.null))
        case .bool(let flag): return Yams.Node(flag ? "true" : "false", tag(.bool))
        case .number(let text): return Yams.Node(text, tag(.int))
        case .string(let text):
            // Quote strings that YAML would otherwise read as another type (`"true"`, `"1.10"`, `""`).
            return Yams.Node(text, tag(.str), YAMLPlainScalar.needsQuotes(text) ? .doubleQuoted : .any)
        case .array(let items): return Yams.Node(items.map(node), tag(.implicit))
        case .object(let object):
            return Yams.Node(object.members.map { (Yams.Node($0.key, tag(.implicit)), node($0.value)) }, tag(.implicit))
        }
    }

    /// A fresh tag (Yams resolves tags in place) with the rule-less resolver: the default one compiles its
    /// regular expressions with ICU, and nothing here needs them.
    private static func tag(_ name: Tag.Name) -> Tag { Tag(name, .basic, .default) }
}
