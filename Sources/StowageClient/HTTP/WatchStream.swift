import AsyncHTTPClient
import NIOCore
import StowageAPI
import StowageJSON
import StowageStore

/// Turns a chunked watch response (one JSON event per line) into `WatchEvent`s. BOOKMARK events are consumed;
/// an ERROR event ends the stream with its `Status` as `APIError` (410 Expired when the revision is compacted).
enum WatchStream {
    static func events<T: APIObject>(_ type: T.Type, from body: HTTPClientResponse.Body) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var pending: [UInt8] = []
                do {
                    for try await chunk in body {
                        pending.append(contentsOf: chunk.readableBytesView)
                        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                            let line = Array(pending[..<newline])
                            pending.removeSubrange(...newline)
                            if let event = try decodeLine(T.self, line) { continuation.yield(event) }
                        }
                    }
                    if let event = try decodeLine(T.self, pending) { continuation.yield(event) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The common case, decoded straight from the bytes: an event whose object is a `T`.
    private struct TypedEvent<Object: APIObject>: Decodable {
        var type: String
        var object: Object
    }

    /// The raw event lines of a watch response, undecoded (for tools that only look at a few bytes).
    static func lines(from body: HTTPClientResponse.Body) -> AsyncThrowingStream<[UInt8], any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var pending: [UInt8] = []
                do {
                    for try await chunk in body {
                        pending.append(contentsOf: chunk.readableBytesView)
                        var start = 0
                        while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                            continuation.yield(Array(pending[start..<newline]))
                            start = newline + 1
                        }
                        pending.removeSubrange(..<start)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private static func decodeLine<T: APIObject>(_ type: T.Type, _ line: [UInt8]) throws -> WatchEvent<T>? {
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") }) else { return nil }
        if let typed = try? line.withUnsafeBytes({ try JSONTreeDecoder().decode(TypedEvent<T>.self, from: $0) }) {
            let revision = Int64(typed.object.metadata.resourceVersion ?? "") ?? 0
            switch typed.type {
            case "ADDED": return WatchEvent(type: .added, object: typed.object, revision: revision)
            case "MODIFIED": return WatchEvent(type: .modified, object: typed.object, revision: revision)
            case "DELETED": return WatchEvent(type: .deleted, object: typed.object, revision: revision)
            default: break
            }
        }
        let event: JSONValue
        do {
            event = try JSONParser.parse(line)
        } catch {
            throw APIError(.internalError, "the server sent a watch event that is not JSON: \(error)")
        }
        let kind = event["type"]?.stringValue ?? ""
        guard let object = event["object"] else {
            throw APIError(.internalError, "the server sent a watch event without an object")
        }
        let eventType: WatchEvent<T>.EventType
        switch kind {
        case "ADDED": eventType = .added
        case "MODIFIED": eventType = .modified
        case "DELETED": eventType = .deleted
        case "BOOKMARK": return nil
        case "ERROR": throw StatusDecoding.error(status: object, code: 500)
        default: throw APIError(.internalError, "the server sent a watch event of unknown type \"\(kind)\"")
        }
        let decoded: T
        do {
            decoded = try JSONTreeDecoder().decode(T.self, from: object)
        } catch {
            throw APIError(.internalError, "the server's \(T.resource.kind) in a watch event cannot be decoded: \(error)")
        }
        return WatchEvent(type: eventType, object: decoded, revision: Int64(decoded.metadata.resourceVersion ?? "") ?? 0)
    }
}
