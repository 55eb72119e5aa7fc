/// A path to a field as Kubernetes prints it: `spec.containers[0].volumeMounts[1].name`,
/// `metadata.labels[app.kubernetes.io/name]`.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    private var text: String

    /// A root path such as `metadata` or `spec`; dots in `root` are kept, so `FieldPath("spec.resources")` works.
    public init(_ root: String) { self.text = root }

    public init(stringLiteral value: String) { self.text = value }

    /// The path of a child field.
    public func child(_ name: String) -> FieldPath {
        FieldPath(text.isEmpty ? name : "\(text).\(name)")
    }

    /// The path of a child field several levels down: `child("resources", "requests")`.
    public func child(_ first: String, _ rest: String...) -> FieldPath {
        rest.reduce(child(first)) { $0.child($1) }
    }

    /// The path of a list element.
    public func index(_ index: Int) -> FieldPath { FieldPath("\(text)[\(index)]") }

    /// The path of a map entry.
    public func key(_ key: String) -> FieldPath { FieldPath("\(text)[\(key)]") }

    public var description: String { text }
}
