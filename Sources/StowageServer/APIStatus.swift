import Hummingbird
import NIOCore
import StowageAPI
import StowageJSON

/// Kubernetes `Status` responses: every error the API returns, with `reason`, `code`, `message` and, for
/// Invalid, `details.causes` carrying the field paths.
public enum APIStatus {
    /// The `Status` object for an error.
    public static func json(for error: APIError) -> JSONValue {
        var details: [(String, JSONValue)] = []
        if let name = error.name { details.append(("name", .string(name))) }
        if let group = error.group, !group.isEmpty { details.append(("group", .string(group))) }
        if let kind = error.resourceKind { details.append(("kind", .string(kind))) }
        if !error.causes.isEmpty {
            details.append(("causes", .array(error.causes.map { cause in
                .object(JSONObject([
                    JSONObject.Member(key: "reason", value: .string(cause.kind.causeReason)),
                    JSONObject.Member(key: "message", value: .string(cause.body)),
                    JSONObject.Member(key: "field", value: .string(cause.field.description)),
                ]))
            })))
        }
        var members: [JSONObject.Member] = [
            .init(key: "kind", value: .string("Status")),
            .init(key: "apiVersion", value: .string("v1")),
            .init(key: "metadata", value: .object(JSONObject())),
            .init(key: "status", value: .string("Failure")),
            .init(key: "message", value: .string(error.message)),
            .init(key: "reason", value: .string(error.reason.rawValue)),
        ]
        if !details.isEmpty {
            members.append(.init(key: "details", value: .object(JSONObject(details.map { JSONObject.Member(key: $0.0, value: $0.1) }))))
        }
        members.append(.init(key: "code", value: .number(String(error.code))))
        return .object(JSONObject(members))
    }

    /// An HTTP response carrying the error's `Status` with its code.
    public static func response(for error: APIError) -> Response {
        let bytes = JSONWriter.bytes(json(for: error))
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: HTTPResponse.Status(code: error.code), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
