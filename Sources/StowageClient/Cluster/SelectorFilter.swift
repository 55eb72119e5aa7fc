import Foundation
import StowageAPI

/// Turns label and field selector strings into a predicate over objects.
enum SelectorFilter {
    /// A predicate for the selectors, or nil when there are none.
    /// - Throws: ``APIError`` BadRequest naming the bad part of a selector or the unsupported field.
    static func make<T: APIObject>(_ type: T.Type, labelSelector: String?, fieldSelector: String?) throws -> (@Sendable (T) -> Bool)? {
        let labelText = (labelSelector ?? "").trimmingCharacters(in: .whitespaces)
        let fieldText = (fieldSelector ?? "").trimmingCharacters(in: .whitespaces)
        if labelText.isEmpty && fieldText.isEmpty { return nil }
        var labels: LabelSelectorQuery?
        var fields: FieldSelector?
        do {
            if !labelText.isEmpty { labels = try LabelSelectorQuery(parsing: labelText) }
        } catch {
            throw APIError.badRequest("unable to parse requirement: \(error)")
        }
        do {
            if !fieldText.isEmpty {
                let selector = try FieldSelector(parsing: fieldText)
                try FieldSelectorFields.validate(selector, kind: T.resource.kind)
                fields = selector
            }
        } catch {
            throw APIError.badRequest("\(error)")
        }
        return { [labels, fields] object in
            if let labels, !labels.matches(object.metadata.labels) { return false }
            if let fields, (try? fields.matches(object)) != true { return false }
            return true
        }
    }
}
