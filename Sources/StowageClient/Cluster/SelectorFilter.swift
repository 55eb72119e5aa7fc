import Foundation
import StowageAPI

/// Turns label and field selector strings into a predicate over objects.
enum SelectorFilter {
    /// A predicate for the selectors, or nil when there are none.
    /// - Throws: ``APIError`` BadRequest naming the bad part of a selector.
    static func make<T: APIObject>(_ type: T.Type, labelSelector: String?, fieldSelector: String?) throws -> (@Sendable (T) -> Bool)? {
        let labels = (labelSelector ?? "").trimmingCharacters(in: .whitespaces)
        let fields = (fieldSelector ?? "").trimmingCharacters(in: .whitespaces)
        if labels.isEmpty && fields.isEmpty { return nil }
        throw APIError.badRequest("selectors are not supported yet")
    }
}
