import Foundation
import StowageJSON

/// One object read from a manifest, with where it came from.
public struct ManifestObject: Sendable {
    public var object: any APIObject
    /// The file it came from (`-` for standard input).
    public var file: String
    /// 1-based document index in the file.
    public var document: Int
    /// Where the object starts.
    public var position: TextPosition
    /// Fields present in the manifest that Stowage does not model (dropped, reported as warnings).
    public var unknownFields: [String]
    /// Positions of fields, to locate later errors (validation) in the file.
    var positions: [String: TextPosition]
    /// Prefix for list items (`items[2].`), empty otherwise.
    var pathPrefix: String

    /// `Warning: unknown field "spec.foo"` lines, as kubectl prints them, with the file position.
    public var warnings: [String] {
        unknownFields.map { field in
            let at = locate(field)
            return "\(file):\(at.line):\(at.column): unknown field \"\(field)\" (\(object.kind) \"\(object.metadata.name ?? "")\"): it is not modeled by Stowage and was dropped"
        }
    }

    /// A ``ManifestError`` for `error` (from validation), pointing at the field's line.
    public func locate(_ error: FieldError) -> ManifestError {
        ManifestError(file: file, document: document, position: locate(error.field.description), field: error.field.description, message: error.body)
    }

    /// The position of a field path of this object (or of its nearest ancestor).
    public func locate(_ field: String) -> TextPosition {
        for candidate in [pathPrefix + field, pathPrefix + Self.dotted(field)] {
            if let found = positions[candidate] { return found }
        }
        let document = SourceDocument(index: document, value: .null, positions: positions, start: position)
        return document.position(of: pathPrefix + Self.dotted(field))
    }

    /// `spec.resources.requests[storage]` -> `spec.resources.requests.storage` for keys that are plain words.
    private static func dotted(_ field: String) -> String {
        var out = ""
        var index = field.startIndex
        while index < field.endIndex {
            if field[index] == "[", let close = field[index...].firstIndex(of: "]") {
                let inner = field[field.index(after: index)..<close]
                if !inner.isEmpty, !inner.allSatisfy(\.isNumber), inner.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                    out += ".\(inner)"
                } else {
                    out += field[index...close]
                }
                index = field.index(after: close)
            } else {
                out.append(field[index])
                index = field.index(after: index)
            }
        }
        return out
    }
}

/// Reads Kubernetes manifests: YAML (multi-document, `---`) or JSON, `List` objects expanded into their items,
/// empty documents skipped. Every error names the file, the document, the line and the field path.
public enum ManifestReader {
    /// Reads every object in `text`.
    /// - Parameter file: the name used in messages.
    /// - Throws: ``ManifestError`` for the first problem found.
    public static func read(_ text: String, file: String) throws(ManifestError) -> [ManifestObject] {
        let documents: [SourceDocument]
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.first == "{" || trimmed.first == "[" {
            do {
                let value = try JSONParser.parse(text)
                documents = [SourceDocument(index: 1, value: value, positions: [:], start: TextPosition(line: 1, column: 1))]
            } catch {
                throw ManifestError(file: file, document: 1, position: error.position, field: nil, message: "invalid JSON: \(error.message)")
            }
        } else {
            do {
                documents = try YAMLBridge.documents(text, file: file)
            } catch let error as ManifestError {
                throw error
            } catch {
                throw ManifestError(file: file, document: nil, position: nil, field: nil, message: "\(error)")
            }
        }
        var objects: [ManifestObject] = []
        for document in documents where document.value != .null {
            try collect(document.value, prefix: "", inferredType: nil, document: document, file: file, into: &objects)
        }
        return objects
    }

    /// Reads a file (`-` for standard input).
    public static func read(contentsOf path: String) throws -> [ManifestObject] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw ManifestError(file: path, document: nil, position: nil, field: nil, message: "cannot read the file: \((error as NSError).localizedDescription)")
            }
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(file: path, document: nil, position: nil, field: nil, message: "the file is not UTF-8 text")
        }
        return try read(text, file: path)
    }

    private static func collect(
        _ value: JSONValue, prefix: String, inferredType: (apiVersion: String, kind: String)?, document: SourceDocument,
        file: String, into objects: inout [ManifestObject]
    ) throws(ManifestError) {
        func fail(_ field: String, _ message: String) -> ManifestError {
            let path = prefix + field
            return ManifestError(file: file, document: document.index, position: document.position(of: path), field: path.isEmpty ? nil : path, message: message)
        }
        guard case .object(var object) = value else {
            throw fail("", "expected an object (a Kubernetes resource), found \(value.typeName)")
        }
        if let inferredType {
            if object["apiVersion"] == nil { object["apiVersion"] = .string(inferredType.apiVersion) }
            if object["kind"] == nil { object["kind"] = .string(inferredType.kind) }
        }
        let kind = object["kind"]?.stringValue ?? ""
        if kind.hasSuffix("List"), let items = object["items"] {
            guard case .array(let elements) = items else { throw fail("items", "expected a list of objects") }
            let apiVersion = object["apiVersion"]?.stringValue ?? "v1"
            let itemType = kind == "List" ? nil : (apiVersion: apiVersion, kind: String(kind.dropLast(4)))
            for (index, element) in elements.enumerated() {
                try collect(element, prefix: "\(prefix)items[\(index)].", inferredType: itemType, document: document, file: file, into: &objects)
            }
            return
        }
        do {
            let decoded = try APICodec.decodeAny(from: .object(object))
            let start = document.positions[String(prefix.dropLast())] ?? document.start
            objects.append(ManifestObject(
                object: decoded.object, file: file, document: document.index, position: start,
                unknownFields: decoded.unknownFields, positions: document.positions, pathPrefix: prefix))
        } catch {
            throw fail(error.field, error.message)
        }
    }
}
