import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import StowageAPI
import StowageJSON

/// Builds JSON responses of the resource verbs.
enum RESTResponse {
    /// Kubernetes' `Warning` response header.
    static let warningHeader = HTTPField.Name("Warning")!

    /// A JSON response with `bytes` as its body and a `Warning: 299 - "…"` header per warning.
    static func json(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok, warnings: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        for warning in warnings {
            headers.append(HTTPField(name: warningHeader, value: "299 - \(JSONBytes.quoted(warning))"))
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Array(bytes))))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, warnings: [String] = []) -> Response {
        json(JSONWriter.bytes(value), status: status, warnings: warnings)
    }

    /// `{"apiVersion":…,"items":[…],"kind":"<Kind>List","metadata":{…}}` from already encoded items.
    static func listBytes(_ resource: APIResource, items: [Data], resourceVersion: String, continueToken: String?, remainingItemCount: Int?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(256) { $0 + $1.count + 1 })
        out.append(contentsOf: "{\"apiVersion\":".utf8)
        JSONBytes.appendString(resource.apiVersion, to: &out)
        out.append(contentsOf: ",\"items\":[".utf8)
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: item)
        }
        out.append(contentsOf: "],\"kind\":".utf8)
        JSONBytes.appendString(resource.kind + "List", to: &out)
        out.append(contentsOf: ",\"metadata\":{".utf8)
        if let continueToken {
            out.append(contentsOf: "\"continue\":".utf8)
            JSONBytes.appendString(continueToken, to: &out)
            out.append(UInt8(ascii: ","))
        }
        if let remainingItemCount {
            out.append(contentsOf: "\"remainingItemCount\":".utf8)
            JSONBytes.appendInteger(remainingItemCount, to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: "\"resourceVersion\":".utf8)
        JSONBytes.appendString(resourceVersion, to: &out)
        out.append(contentsOf: "}}".utf8)
        return out
    }

    /// Kubernetes' `Status` of a successful delete: `status: Success` with the object's name, group, kind
    /// (plural) and uid.
    static func deleteSuccess(_ resource: APIResource, name: String, uid: String?) -> JSONValue {
        var details: [JSONObject.Member] = [.init(key: "name", value: .string(name))]
        if !resource.group.isEmpty { details.append(.init(key: "group", value: .string(resource.group))) }
        details.append(.init(key: "kind", value: .string(resource.plural)))
        if let uid { details.append(.init(key: "uid", value: .string(uid))) }
        return .object(JSONObject([
            .init(key: "kind", value: .string("Status")),
            .init(key: "apiVersion", value: .string("v1")),
            .init(key: "metadata", value: .object(JSONObject())),
            .init(key: "status", value: .string("Success")),
            .init(key: "details", value: .object(JSONObject(details))),
        ]))
    }
}
