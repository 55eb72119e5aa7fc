import Foundation
import StowageAPI
import StowageJSON

/// RFC 6902 JSON patch with RFC 6901 JSON pointers (`/spec/accessModes/0`, `~0` for `~`, `~1` for `/`, `-` for
/// the end of a list).
public enum JSONPatch {
    /// Applies `operations` in order to `document`.
    /// - Throws: ``APIError`` BadRequest for a malformed operation; Invalid when an operation cannot apply (a
    ///   missing path, a failed `test`).
    public static func apply(_ operations: [JSONValue], to document: JSONValue) throws(APIError) -> JSONValue {
        var document = document
        for (index, operation) in operations.enumerated() {
            guard case .object(let fields) = operation, let op = fields["op"]?.stringValue else {
                throw APIError.badRequest("json patch operation \(index) has no \"op\"")
            }
            guard let pathText = fields["path"]?.stringValue else {
                throw APIError.badRequest("json patch operation \(index) (\(op)) has no \"path\"")
            }
            let path = try pointer(pathText)
            func value() throws(APIError) -> JSONValue {
                guard let value = fields["value"] else { throw APIError.badRequest("json patch \(op) operation at \(pathText) has no \"value\"") }
                return value
            }
            func from() throws(APIError) -> [String] {
                guard let text = fields["from"]?.stringValue else { throw APIError.badRequest("json patch \(op) operation has no \"from\"") }
                return try pointer(text)
            }
            switch op {
            case "add": document = try add(try value(), at: path, in: document)
            case "remove": document = try remove(at: path, in: document).document
            case "replace":
                _ = try get(path, in: document)
                document = try remove(at: path, in: document).document
                document = try add(try value(), at: path, in: document)
            case "move":
                let source = try from()
                let removed = try remove(at: source, in: document)
                document = try add(removed.value, at: path, in: removed.document)
            case "copy":
                document = try add(try get(try from(), in: document), at: path, in: document)
            case "test":
                let actual = try get(path, in: document)
                if actual != (try value()) {
                    throw failed("testing value \(pathText) failed: found \(JSONWriter.string(actual))")
                }
            default:
                throw APIError.badRequest("json patch operation \(index): unknown op \"\(op)\"")
            }
        }
        return document
    }

    /// Splits a JSON pointer into unescaped reference tokens.
    static func pointer(_ text: String) throws(APIError) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw APIError.badRequest("json patch path \"\(text)\" must start with \"/\"") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ path: [String], in document: JSONValue) throws(APIError) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw missing(path) }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
                current = items[index]
            default:
                throw missing(path)
            }
        }
        return current
    }

    static func add(_ value: JSONValue, at path: [String], in document: JSONValue) throws(APIError) -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else { throw missing(path) }
                object[token] = try add(value, at: rest, in: child)
            }
            return .object(object)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" { items.append(value); return .array(items) }
                guard let index = Int(token), index >= 0, index <= items.count else { throw missing(path) }
                items.insert(value, at: index)
            } else {
                guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
                items[index] = try add(value, at: rest, in: items[index])
            }
            return .array(items)
        default:
            throw missing(path)
        }
    }

    static func remove(at path: [String], in document: JSONValue) throws(APIError) -> (document: JSONValue, value: JSONValue) {
        guard let token = path.first else { throw failed("cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            guard let child = object[token] else { throw missing(path) }
            if rest.isEmpty {
                object[token] = nil
                return (.object(object), child)
            }
            let removed = try remove(at: rest, in: child)
            object[token] = removed.document
            return (.object(object), removed.value)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else { throw missing(path) }
            if rest.isEmpty {
                let value = items.remove(at: index)
                return (.array(items), value)
            }
            let removed = try remove(at: rest, in: items[index])
            items[index] = removed.document
            return (.array(items), removed.value)
        default:
            throw missing(path)
        }
    }

    private static func missing(_ path: [String]) -> APIError {
        failed("doc is missing path: \"/\(path.joined(separator: "/"))\"")
    }

    private static func failed(_ message: String) -> APIError {
        APIError(.invalid, "the server rejected our request due to an error in our request: \(message)")
    }
}
