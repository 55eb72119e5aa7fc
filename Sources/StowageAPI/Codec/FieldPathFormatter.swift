import StowageJSON

/// Decodes a user's object from a ``JSONValue`` tree and reports the members no type read as Kubernetes field
/// paths (`spec.foo`, `metadata.labels[example.com/x]`), for `fieldValidation=Warn`-style warnings.
struct TreeDecoder {
    /// Member paths that are never reported as unknown (`apiVersion`, `kind`, `metadata.managedFields`).
    var ignoredPaths: Set<String> = ["apiVersion", "kind", "metadata.managedFields"]

    /// Decodes `type` from `value`. Returns the value and the paths of the members nobody read, sorted.
    func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> (T, unknownFields: [String]) {
        let (result, unread) = try JSONTreeDecoder().decodeReportingUnread(T.self, from: value)
        let paths = unread.map { member in
            FieldPathFormatter.append(member.key, isMapKey: false, to: FieldPathFormatter.string(member.codingPath))
        }
        return (result, paths.filter { !ignoredPaths.contains($0) }.sorted())
    }
}

/// Renders Codable paths the way Kubernetes prints field paths.
enum FieldPathFormatter {
    static func string(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text = append(key.stringValue, isMapKey: isDictionaryKey(key), to: text)
            }
        }
        return text
    }

    static func append(_ key: String, isMapKey: Bool, to path: String) -> String {
        let plain = key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
        if isMapKey && !plain { return "\(path)[\(key)]" }
        return path.isEmpty ? key : "\(path).\(key)"
    }

    private static func isDictionaryKey(_ key: any CodingKey) -> Bool {
        String(describing: type(of: key)).contains("DictionaryCodingKey")
    }
}
