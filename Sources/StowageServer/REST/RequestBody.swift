import Foundation
import Hummingbird
import NIOCore
import StowageAPI
import StowageJSON
import StowageClient

/// Reads request bodies: at most 3 MiB (413 RequestEntityTooLarge beyond), JSON or YAML by `Content-Type`,
/// syntax errors as 400 BadRequest with their line and column.
enum RequestBody {
    /// The body's media type without parameters, lower-cased (`application/json` when absent).
    static func mediaType(_ request: Request) -> String {
        guard let header = request.headers[.contentType] else { return "application/json" }
        return header.split(separator: ";").first.map { $0.trimmingHTTPSpaces().lowercased() } ?? "application/json"
    }

    /// The raw bytes, refusing more than the context's `maxUploadSize`.
    static func bytes(_ request: Request, context: APIRequestContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw tooLarge(context)
        }
    }

    static func tooLarge(_ context: APIRequestContext) -> APIError {
        APIError(.requestEntityTooLarge, "Request entity too large: limit is \(context.maxUploadSize)")
    }

    /// The body as one JSON value: JSON for `application/json` and the `+json` patch types, YAML for
    /// `application/yaml`, Kubernetes protobuf for the few kinds kubectl's typed clients send that way
    /// (``ProtobufBodies``); nil when the body is empty.
    /// - Throws: ``APIError`` BadRequest (syntax, with position), UnsupportedMediaType, RequestEntityTooLarge.
    static func value(_ request: Request, context: APIRequestContext, allowEmpty: Bool = false) async throws -> JSONValue? {
        let buffer = try await bytes(request, context: context)
        if buffer.readableBytes == 0 {
            if allowEmpty { return nil }
            throw APIError.badRequest("the request body is empty; expected an object")
        }
        let type = mediaType(request)
        switch type {
        case "application/yaml", "application/x-yaml", "text/yaml", Patch.yamlApply:
            let text = String(decoding: buffer.readableBytesView, as: UTF8.self)
            let documents: [JSONValue]
            do {
                documents = try YAMLDocuments.parse(text)
            } catch {
                throw APIError.badRequest("the request body is not valid YAML: \(error.description)")
            }
            guard documents.count == 1 else {
                throw APIError.badRequest("the request body must hold exactly one YAML document, found \(documents.count)")
            }
            return documents[0]
        case _ where type == "application/json" || type.hasSuffix("+json") || type == "*/*":
            do {
                return try buffer.withUnsafeReadableBytes { bytes throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
            } catch {
                throw APIError.badRequest("the request body is not valid JSON: \(error.description)")
            }
        case "application/vnd.kubernetes.protobuf":
            return try ProtobufBodies.json(Array(buffer.readableBytesView))
        default:
            throw APIError(.unsupportedMediaType, "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml")
        }
    }
}

extension Patch {
    static let yamlApply = Patch.MediaType.apply
}
