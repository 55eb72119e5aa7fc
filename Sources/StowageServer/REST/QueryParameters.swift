import Hummingbird
import StowageAPI
import StowageClient

/// Kubernetes' query parameters of the resource verbs, parsed and checked (400 BadRequest on bad values).
struct QueryParameters: Sendable {
    private let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (key, value) in FormQuery(request).pairs { values[key] = value }
        self.values = values
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A boolean parameter: `true`/`1` (and an empty value, as `?watch`) are true.
    func flag(_ name: String) -> Bool {
        guard let value = values[name] else { return false }
        return value.isEmpty || value == "1" || value.lowercased() == "true"
    }

    /// A non-negative integer parameter.
    func integer(_ name: String) throws(APIError) -> Int? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw APIError.badRequest("invalid value for \(name): \"\(text)\": must be a non-negative integer")
        }
        return value
    }

    /// `dryRun=All`.
    func dryRun() throws(APIError) -> Bool {
        guard let value = values["dryRun"], !value.isEmpty else { return false }
        guard value == "All" else {
            throw APIError(.invalid, "Invalid dryRun: Unsupported value: \"\(value)\": supported values: \"All\"")
        }
        return true
    }

    /// `fieldValidation=Strict|Warn|Ignore` (Warn when absent, as Kubernetes).
    func fieldValidation() throws(APIError) -> FieldValidation {
        guard let value = values["fieldValidation"], !value.isEmpty else { return .warn }
        guard let parsed = FieldValidation(rawValue: value) else {
            throw APIError.badRequest("fieldValidation: Unsupported value: \"\(value)\": supported values: \"Ignore\", \"Strict\", \"Warn\"")
        }
        return parsed
    }

    /// A `resourceVersion` parameter checked to be a revision number.
    func resourceVersion() throws(APIError) -> String? {
        guard let text = values["resourceVersion"], !text.isEmpty else { return nil }
        guard let number = Int64(text), number >= 0 else {
            throw APIError.badRequest("invalid resourceVersion \"\(text)\": must be a non-negative integer")
        }
        return text
    }

    func listOptions(namespace: String?) throws(APIError) -> ListOptions {
        _ = try resourceVersion()
        return ListOptions(namespace: namespace, labelSelector: values["labelSelector"], fieldSelector: values["fieldSelector"],
                           limit: try integer("limit"), continueToken: values["continue"].flatMap { $0.isEmpty ? nil : $0 })
    }

    func writeOptions() throws(APIError) -> WriteOptions {
        WriteOptions(dryRun: try dryRun(), fieldValidation: try fieldValidation())
    }
}
