import StowageJSON

/// kubectl's JSONPath templates (`-o jsonpath=…`, `wait --for=jsonpath=…`): text with `{…}` actions such as
/// `{.status.phase}`, `{.items[*].metadata.name}`, `{.items[0]}`, `{.metadata.labels['app']}`,
/// `{.items[?(@.status.phase=="Bound")].metadata.name}`, `{range .items[*]}{.metadata.name}{"\n"}{end}`.
///
/// Several results of one action are joined by a space; strings print bare, numbers and booleans as JSON,
/// objects and arrays as compact JSON; a missing field prints nothing.
public struct JSONPathTemplate: Sendable {
    private indirect enum Node: Sendable {
        case text(String)
        case path([Step])
        case range([Step], [Node])
    }

    private enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
        case all
        case recursive(String)
        case filter(path: [Step], value: String?)
    }

    private let nodes: [Node]

    /// A template that cannot be parsed; the message says where.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Parses a template; a bare path without braces (`.status.phase`) is accepted too, as kubectl does.
    public init(_ template: String) throws {
        var source = template
        if !source.contains("{") { source = "{\(source)}" }
        var tokens: [(isAction: Bool, text: String)] = []
        var index = source.startIndex
        var literal = ""
        while index < source.endIndex {
            let character = source[index]
            if character == "{" {
                if !literal.isEmpty { tokens.append((false, literal)); literal = "" }
                guard let close = Self.closingBrace(in: source, from: source.index(after: index)) else {
                    throw ParseError(description: "unclosed action in template \"\(template)\"")
                }
                tokens.append((true, String(source[source.index(after: index)..<close]).trimmingSpaces))
                index = source.index(after: close)
            } else {
                literal.append(character)
                index = source.index(after: index)
            }
        }
        if !literal.isEmpty { tokens.append((false, literal)) }
        var position = 0
        nodes = try Self.parseNodes(tokens, &position, template: template, insideRange: false)
    }

    /// Renders the template against a JSON document.
    public func render(_ document: JSONValue) -> String {
        var out = ""
        Self.render(nodes, document, into: &out)
        return out
    }

    /// The values the template's single path selects (for `wait --for=jsonpath`); empty when missing.
    public func values(_ document: JSONValue) -> [JSONValue] {
        var results: [JSONValue] = []
        for node in nodes {
            if case .path(let steps) = node { results += Self.evaluate(steps, [document]) }
        }
        return results
    }

    /// How a selected value prints: strings bare, everything else as compact JSON.
    public static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .number(let number): return number
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        default: return JSONWriter.string(value)
        }
    }

    // MARK: Parsing

    private static func closingBrace(in source: String, from start: String.Index) -> String.Index? {
        var index = start
        var quote: Character?
        while index < source.endIndex {
            let character = source[index]
            if let open = quote {
                if character == "\\" { index = source.index(after: index) } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "}" {
                return index
            }
            if index < source.endIndex { index = source.index(after: index) }
        }
        return nil
    }

    private static func parseNodes(_ tokens: [(isAction: Bool, text: String)], _ position: inout Int, template: String, insideRange: Bool) throws -> [Node] {
        var nodes: [Node] = []
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            guard token.isAction else { nodes.append(.text(token.text)); continue }
            if token.text == "end" {
                guard insideRange else { throw ParseError(description: "{end} without {range} in \"\(template)\"") }
                return nodes
            }
            if token.text.hasPrefix("range ") {
                let steps = try parsePath(String(token.text.dropFirst("range ".count)).trimmingSpaces, template: template)
                let body = try parseNodes(tokens, &position, template: template, insideRange: true)
                nodes.append(.range(steps, body))
                continue
            }
            if token.text.hasPrefix("\"") || token.text.hasPrefix("'") {
                nodes.append(.text(unquote(token.text)))
                continue
            }
            nodes.append(.path(try parsePath(token.text, template: template)))
        }
        if insideRange { throw ParseError(description: "{range} without {end} in \"\(template)\"") }
        return nodes
    }

    private static func unquote(_ text: String) -> String {
        var body = String(text.dropFirst().dropLast())
        body = body.replacingAll("\\n", with: "\n").replacingAll("\\t", with: "\t").replacingAll("\\\"", with: "\"")
        return body
    }

    private static func parsePath(_ text: String, template: String) throws -> [Step] {
        var steps: [Step] = []
        var rest = Substring(text)
        if rest.hasPrefix("$") { rest = rest.dropFirst() }
        if rest.hasPrefix("@") { rest = rest.dropFirst() }
        while !rest.isEmpty {
            if rest.hasPrefix("..") {
                rest = rest.dropFirst(2)
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                steps.append(.recursive(String(name)))
            } else if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                if !name.isEmpty { steps.append(.field(String(name))) }
            } else if rest.hasPrefix("[") {
                guard let close = bracketEnd(rest) else { throw ParseError(description: "unclosed [ in \"\(template)\"") }
                let inner = String(rest[rest.index(after: rest.startIndex)..<close]).trimmingSpaces
                rest = rest[rest.index(after: close)...]
                steps.append(try parseBracket(inner, template: template))
            } else {
                let name = rest.prefix { $0 != "." && $0 != "[" }
                rest = rest.dropFirst(name.count)
                steps.append(.field(String(name)))
            }
        }
        return steps
    }

    private static func bracketEnd(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote { if character == open { quote = nil }; continue }
            if character == "\"" || character == "'" { quote = character; continue }
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1; if depth == 0 { return index } }
        }
        return nil
    }

    private static func parseBracket(_ inner: String, template: String) throws -> Step {
        if inner == "*" { return .all }
        if let number = Int(inner) { return .index(number) }
        if inner.hasPrefix("'") || inner.hasPrefix("\"") { return .field(unquote(inner)) }
        if inner.hasPrefix("?(") && inner.hasSuffix(")") {
            let condition = String(inner.dropFirst(2).dropLast()).trimmingSpaces
            if let range = condition.range(of: "==") {
                let path = try parsePath(String(condition[..<range.lowerBound]).trimmingSpaces, template: template)
                let value = String(condition[range.upperBound...]).trimmingSpaces
                let bare = value.hasPrefix("\"") || value.hasPrefix("'") ? unquote(value) : value
                return .filter(path: path, value: bare)
            }
            return .filter(path: try parsePath(condition, template: template), value: nil)
        }
        throw ParseError(description: "unsupported subscript [\(inner)] in \"\(template)\"")
    }

    // MARK: Evaluation

    private static func render(_ nodes: [Node], _ document: JSONValue, into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .path(let steps): out += evaluate(steps, [document]).map(text).joined(separator: " ")
            case .range(let steps, let body):
                for element in evaluate(steps, [document]) { render(body, element, into: &out) }
            }
        }
    }

    private static func evaluate(_ steps: [Step], _ start: [JSONValue]) -> [JSONValue] {
        var current = start
        for step in steps {
            var next: [JSONValue] = []
            for value in current {
                switch step {
                case .field(let name):
                    if let child = value[name] { next.append(child) }
                case .index(let position):
                    if let array = value.arrayValue {
                        let resolved = position < 0 ? array.count + position : position
                        if array.indices.contains(resolved) { next.append(array[resolved]) }
                    }
                case .all:
                    if let array = value.arrayValue { next += array } else if let object = value.objectValue { next += object.map(\.value) }
                case .recursive(let name):
                    collect(name, in: value, into: &next)
                case .filter(let path, let expected):
                    for element in value.arrayValue ?? [] {
                        let found = evaluate(path, [element])
                        if let expected {
                            if found.contains(where: { text($0) == expected }) { next.append(element) }
                        } else if !found.isEmpty {
                            next.append(element)
                        }
                    }
                }
            }
            current = next
        }
        return current
    }

    private static func collect(_ name: String, in value: JSONValue, into results: inout [JSONValue]) {
        if let object = value.objectValue {
            for member in object {
                if member.key == name { results.append(member.value) }
                collect(name, in: member.value, into: &results)
            }
        } else if let array = value.arrayValue {
            for element in array { collect(name, in: element, into: &results) }
        }
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
