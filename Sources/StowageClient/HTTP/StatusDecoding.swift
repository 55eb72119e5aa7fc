import StowageAPI
import StowageJSON

/// Turns a Kubernetes `Status` body (or any error response) back into an `APIError`.
enum StatusDecoding {
    static func error(code: Int, body: [UInt8]) -> APIError {
        guard let status = try? JSONParser.parse(body), status["kind"]?.stringValue == "Status" else {
            let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return APIError(reason(forCode: code), "the server answered \(code)\(text.isEmpty ? "" : ": \(text)")")
        }
        return error(status: status, code: code)
    }

    static func error(status: JSONValue, code fallbackCode: Int) -> APIError {
        let code = status["code"].flatMap { value -> Int? in
            if case .number(let text) = value { return Int(text) }
            return nil
        } ?? fallbackCode
        let reason = status["reason"]?.stringValue.flatMap(APIError.Reason.init(rawValue:)) ?? reason(forCode: code)
        let details = status["details"]
        let causes: [FieldError] = (details?["causes"]?.arrayValue ?? []).map { cause in
            let kind = causeKinds.first { $0.causeReason == cause["reason"]?.stringValue } ?? .invalid
            var message = cause["message"]?.stringValue ?? ""
            if message.hasPrefix(kind.rawValue + ": ") { message.removeFirst(kind.rawValue.count + 2) }
            return FieldError(kind, FieldPath(cause["field"]?.stringValue ?? ""), detail: message)
        }
        return APIError(reason, status["message"]?.stringValue ?? "the server answered \(code)",
                        group: details?["group"]?.stringValue, kind: details?["kind"]?.stringValue,
                        name: details?["name"]?.stringValue, causes: causes)
    }

    private static let causeKinds: [FieldError.Kind] = [.notFound, .required, .duplicate, .invalid, .notSupported, .forbidden, .tooLong, .tooMany, .internal]

    static func reason(forCode code: Int) -> APIError.Reason {
        switch code {
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 406: return .notAcceptable
        case 409: return .conflict
        case 410: return .expired
        case 413: return .requestEntityTooLarge
        case 415: return .unsupportedMediaType
        case 422: return .invalid
        case 429: return .tooManyRequests
        case 503: return .serviceUnavailable
        case 504: return .timeout
        default: return .internalError
        }
    }
}
