import StowageAPI
import StowageJSON

/// A patch to apply to an object.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch: objects merge recursively, `null` removes a field, anything else replaces.
    case merge(JSONValue)

    /// Applies the patch to the JSON of an object.
    public func apply(to document: JSONValue) -> JSONValue {
        switch self {
        case .merge(let patch): return Patch.mergePatch(document, patch)
        }
    }

    static func mergePatch(_ target: JSONValue, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result = target.objectValue ?? JSONObject()
        for member in patchObject {
            if member.value == .null {
                result[member.key] = nil
            } else {
                result[member.key] = mergePatch(result[member.key] ?? .null, member.value)
            }
        }
        return .object(result)
    }
}
