import Foundation
import Hummingbird
import NIOCore
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore

/// Streams a watch as Kubernetes does: one JSON event per line (`{"type":"ADDED","object":{…}}`), flushed per
/// event; without a resourceVersion (or with "0") the current objects come first as ADDED; BOOKMARKs every
/// few seconds when asked; an expired resourceVersion ends with an ERROR event carrying a 410 Status;
/// `timeoutSeconds` ends the stream cleanly.
struct WatchStreamer<T: APIObject>: Sendable {
    let cluster: LocalCluster
    let options: WatchOptions
    let table: Bool
    let include: ContentNegotiation.IncludeObject
    let bookmarks: Bool
    let timeoutSeconds: Int?
    /// Counts this watch as open while it streams.
    let metrics: APIMetrics
    /// Encodings shared by the watchers of this kind, so a change fanned out to many is encoded once.
    let encodings: EncodingCache<T>
    /// How often a BOOKMARK is sent when the client allows them.
    var bookmarkInterval: Duration = .seconds(5)

    private enum Output: Sendable {
        case event(String, T)
        case bookmark
        case failure(APIError)
        case end
    }

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        metrics.watchOpened(resource: T.resource.plural)
        defer { metrics.watchClosed(resource: T.resource.plural) }
        let (outputs, continuation) = AsyncStream<Output>.makeStream(bufferingPolicy: .unbounded)
        let pump = Task { await pumpEvents(into: continuation) }
        let ticker = Task {
            guard bookmarks else { return }
            while !Task.isCancelled {
                try? await Task.sleep(for: bookmarkInterval)
                continuation.yield(.bookmark)
            }
        }
        let timer = Task {
            guard let timeoutSeconds else { return }
            try? await Task.sleep(for: .seconds(timeoutSeconds))
            if !Task.isCancelled { continuation.yield(.end) }
        }
        defer {
            pump.cancel()
            ticker.cancel()
            timer.cancel()
            continuation.finish()
        }
        var lastRevision = options.resourceVersion ?? "0"
        for await output in outputs {
            switch output {
            case .event(let type, let object):
                lastRevision = object.metadata.resourceVersion ?? lastRevision
                if table {
                    try await writer.write(try line(type: type, object: TableRenderer.table(for: [object], resourceVersion: lastRevision, include: include)))
                } else {
                    try await writer.write(line(type: type, encodedObject: try encodings.encoded(object)))
                }
            case .bookmark:
                try await writer.write(try line(type: "BOOKMARK", object: bookmark(lastRevision)))
            case .failure(let error):
                try await writer.write(try line(type: "ERROR", object: APIStatus.json(for: error)))
                return
            case .end:
                return
            }
        }
    }

    private func pumpEvents(into continuation: AsyncStream<Output>.Continuation) async {
        do {
            var watchOptions = options
            if options.resourceVersion == nil || options.resourceVersion == "0" {
                var listOptions = ListOptions(namespace: options.namespace, labelSelector: options.labelSelector,
                                              fieldSelector: options.fieldSelector, limit: 500)
                var revision = ""
                repeat {
                    let page = try await cluster.list(T.self, listOptions)
                    for object in page.items { continuation.yield(.event("ADDED", object)) }
                    revision = page.resourceVersion
                    listOptions.continueToken = page.continueToken
                } while listOptions.continueToken != nil
                watchOptions.resourceVersion = revision
            }
            for try await event in try await cluster.watch(T.self, watchOptions) {
                continuation.yield(.event(event.type.rawValue, event.object))
            }
            continuation.yield(.end)
        } catch let error as APIError {
            continuation.yield(.failure(error))
        } catch is CancellationError {
            continuation.yield(.end)
        } catch {
            continuation.yield(.failure(APIError(.internalError, "the watch failed: \(error)")))
        }
    }

    private func bookmark(_ revision: String) -> JSONValue {
        .object(JSONObject([
            .init(key: "kind", value: .string(T.resource.kind)),
            .init(key: "apiVersion", value: .string(T.resource.apiVersion)),
            .init(key: "metadata", value: .object(JSONObject([.init(key: "resourceVersion", value: .string(revision))]))),
        ]))
    }

    /// An event line around an object already encoded (shared by every watcher of the same change).
    private func line(type: String, encodedObject: Data) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(encodedObject.count + 40)
        buffer.writeString("{\"type\":\"\(type)\",\"object\":")
        buffer.writeBytes(encodedObject)
        buffer.writeString("}\n")
        return buffer
    }

    private func line(type: String, object: JSONValue) throws -> ByteBuffer {
        var bytes: [UInt8] = Array("{\"type\":".utf8)
        JSONBytes.appendString(type, to: &bytes)
        bytes.append(contentsOf: ",\"object\":".utf8)
        JSONWriter.write(object, into: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
        return ByteBuffer(bytes: bytes)
    }
}
