import StowageJSON

/// YAML (or JSON) text as ``JSONValue`` documents, with Kubernetes' YAML rules (see ``ManifestReader``); for
/// servers accepting `application/yaml` bodies.
public enum YAMLDocuments {
    /// Every non-empty document of `text`, in order.
    /// - Throws: ``ManifestError`` with the line and column of a YAML syntax error.
    public static func parse(_ text: String, file: String = "body") throws(ManifestError) -> [JSONValue] {
        do {
            return try YAMLBridge.documents(text, file: file).map(\.value).filter { $0 != .null }
        } catch let error as ManifestError {
            throw error
        } catch {
            throw ManifestError(file: file, document: nil, position: nil, field: nil, message: "\(error)")
        }
    }
}
