import StowageAPI
import StowageJSON

/// Kubernetes' strategic merge patch: a JSON merge patch in which lists merge by their merge key (see
/// ``StrategicMergeKeys``) and these directives apply:
/// - `{"$patch": "delete", <key>: v}` in a keyed list removes the element; `{"$patch": "replace"}` as a list
///   element replaces the whole list with the patch's other elements;
/// - `"$patch": "replace"` in a map replaces the map with the patch's other members; `"$patch": "delete"`
///   removes the map;
/// - `"$deleteFromPrimitiveList/<field>": [...]` removes values from a list of scalars;
/// - `"$setElementOrder/<field>": [...]` orders a merged list (elements the order omits keep their place after);
/// - `"$retainKeys": [...]` keeps only the named fields of the map.
public enum StrategicMergePatch {
    /// Applies `patch` to `document`, an object of `kind`.
    /// - Throws: ``APIError`` Invalid for an unknown `$patch` directive or a keyed-list element missing its key.
    public static func apply(_ patch: JSONValue, to document: JSONValue, kind: String) throws(APIError) -> JSONValue {
        try mergeMap(patch, into: document, kind: kind) ?? .null
    }

    /// Merges a map patch; nil means "remove the map".
    private static func mergeMap(_ patch: JSONValue, into target: JSONValue, kind: String) throws(APIError) -> JSONValue? {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        if let directive = patchObject["$patch"] {
            switch directive.stringValue {
            case "delete": return nil
            case "replace":
                return .object(JSONObject(patchObject.members.filter { $0.key != "$patch" }))
            case "merge": break
            default: throw invalid("unknown patch directive \(JSONWriter.string(directive)) in a map")
            }
        }
        if case .array(let keep)? = patchObject["$retainKeys"] {
            let names = Set(keep.compactMap(\.stringValue))
            result = JSONObject(result.members.filter { names.contains($0.key) })
        }
        var orders: [String: [JSONValue]] = [:]
        for member in patchObject {
            let key = member.key
            if key == "$patch" || key == "$retainKeys" { continue }
            if key.hasPrefix("$setElementOrder/") {
                if case .array(let order) = member.value { orders[String(key.dropFirst("$setElementOrder/".count))] = order }
                continue
            }
            if key.hasPrefix("$deleteFromPrimitiveList/") {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                if case .array(let removed) = member.value, case .array(let items)? = result[field] {
                    let kept = items.filter { !removed.contains($0) }
                    result[field] = .array(kept)
                }
                continue
            }
            if member.value == .null {
                result[key] = nil
                continue
            }
            switch member.value {
            case .object:
                let current = result[key] ?? .null
                result[key] = try mergeMap(member.value, into: current.objectValue == nil ? .object(JSONObject()) : current, kind: kind)
            case .array(let items):
                let strategy = StrategicMergeKeys.strategy(forField: key, kind: kind)
                result[key] = try mergeList(items, into: result[key]?.arrayValue ?? [], strategy: strategy, field: key, kind: kind)
            default:
                result[key] = member.value
            }
        }
        for (field, order) in orders {
            guard case .array(let items)? = result[field] else { continue }
            result[field] = .array(ordered(items, by: order, strategy: StrategicMergeKeys.strategy(forField: field, kind: kind)))
        }
        return .object(result)
    }

    private static func mergeList(_ patch: [JSONValue], into current: [JSONValue], strategy: ListMergeStrategy, field: String, kind: String) throws(APIError) -> JSONValue {
        switch strategy {
        case .replace:
            return .array(patch.filter { $0["$patch"] == nil })
        case .mergePrimitives:
            var result = current
            for item in patch where !result.contains(item) { result.append(item) }
            return .array(result)
        case .mergeByKey(let mergeKey):
            if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
                return .array(patch.filter { $0["$patch"] == nil })
            }
            var result = current
            for item in patch {
                guard case .object(var element) = item else {
                    throw invalid("\(field): every element of a list merged by \(mergeKey) must be an object")
                }
                guard let keyValue = element[mergeKey] else {
                    throw invalid("\(field): map: \(JSONWriter.string(item)) does not contain declared merge key: \(mergeKey)")
                }
                let index = result.firstIndex { $0[mergeKey] == keyValue }
                if let directive = element["$patch"] {
                    guard directive.stringValue == "delete" else {
                        throw invalid("\(field): unknown patch directive \(JSONWriter.string(directive)) in a list element")
                    }
                    if let index { result.remove(at: index) }
                    continue
                }
                if let index {
                    if let merged = try mergeMap(item, into: result[index], kind: kind) { result[index] = merged }
                } else {
                    element["$patch"] = nil
                    result.append(try mergeMap(.object(element), into: .object(JSONObject()), kind: kind) ?? .object(element))
                }
            }
            return .array(result)
        }
    }

    /// `items` in the order of `order` (by merge key, or by value for scalars); items the order omits follow.
    private static func ordered(_ items: [JSONValue], by order: [JSONValue], strategy: ListMergeStrategy) -> [JSONValue] {
        func identity(_ value: JSONValue) -> JSONValue {
            if case .mergeByKey(let key) = strategy { return value[key] ?? value }
            return value
        }
        var remaining = items
        var result: [JSONValue] = []
        for entry in order {
            let wanted = identity(entry)
            if let index = remaining.firstIndex(where: { identity($0) == wanted }) {
                result.append(remaining.remove(at: index))
            }
        }
        return result + remaining
    }

    private static func invalid(_ message: String) -> APIError {
        APIError(.invalid, "strategic merge patch: \(message)")
    }
}
