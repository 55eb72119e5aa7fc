import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore
import Synchronization

/// Streams a watch as Kubernetes does: one JSON event per line (`{"type":"ADDED","object":{…}}`), each flushed
/// as soon as the writer gets to it (events that queued up meanwhile go out in one write); without a
/// resourceVersion (or with "0") the current objects come first as ADDED; BOOKMARKs every few seconds when
/// asked; an expired resourceVersion ends with an ERROR event carrying a 410 Status; `timeoutSeconds` and
/// graceful shutdown end the stream cleanly; a client hanging up ends the watch.
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
        /// A batch of events: the store's changes of one commit, or objects of the initial list.
        case events([WatchEvent<T>])
        /// The initial list is sent; later BOOKMARKs carry at least its revision.
        case listed(revision: String)
        case bookmark
        case failure(APIError)
        case end
    }

    /// Streams the watch into `writer` until the store ends it, `timeoutSeconds` pass, the client hangs up
    /// (the inbound side of `request`'s connection closes), the server shuts down gracefully, or the task is
    /// cancelled. Events already queued when the writer gets to them go out in one write. Consumes the body of
    /// `request`.
    func run(_ writer: inout any ResponseBodyWriter, request: Request) async throws {
        metrics.watchOpened(resource: T.resource.plural)
        defer { metrics.watchClosed(resource: T.resource.plural) }
        let outbox = WatchOutbox<Output>()
        // Nothing is read from a watch's connection after its request, so a closed inbound side means the
        // client is gone: without this a watch of a quiet kind would never write again, never notice, and hold
        // its store watcher (and graceful shutdown) forever.
        try await request.body.consumeWithInboundCloseHandler({ _ in
            try await withGracefulShutdownHandler {
                try await stream(into: &writer, from: outbox)
            } onGracefulShutdown: {
                outbox.push(.end)
            }
        }, onInboundClosed: {
            outbox.finish()
        })
    }

    // Called through the kind-generic resource handler, the writer loop looked up the runtime metadata of its
    // generic types (the outbox's element, the event batches) on every wake-up: about 4% of the server's CPU
    // while 100 clients watched a burst of claims. Specialized for the kinds that are watched in bulk.
    @_specialize(exported: false, where T == PersistentVolumeClaim)
    @_specialize(exported: false, where T == PersistentVolume)
    @_specialize(exported: false, where T == Pod)
    private func stream(into writer: inout any ResponseBodyWriter, from outbox: WatchOutbox<Output>) async throws {
        let subscription = SubscriptionSlot()
        defer { subscription.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // The initial list (when asked for) is read while the writer sends what is already queued, so a large
            // kind streams out page by page instead of being gathered first.
            group.addTask { await subscription.hold(subscribe(into: outbox)) }
            if bookmarks {
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: bookmarkInterval)
                        outbox.push(.bookmark)
                    }
                }
            }
            if let timeoutSeconds {
                group.addTask {
                    try await Task.sleep(for: .seconds(timeoutSeconds))
                    outbox.push(.end)
                }
            }
            defer {
                group.cancelAll()
                outbox.finish()
            }
            var lastRevision = options.resourceVersion ?? "0"
            // A BOOKMARK during the initial list would carry the revision of whichever object went out last, not
            // one the client can resume from: bookmarks wait until the list is sent.
            var listed = !listsFirst
            while let batch = await outbox.take() {
                var buffer = ByteBuffer()
                for output in batch {
                    switch output {
                    case .events(let events):
                        for event in events {
                            if table {
                                lastRevision = String(event.revision)
                                append(type: event.type.rawValue, object: try TableRenderer.table(for: [event.object], resourceVersion: lastRevision, include: include), to: &buffer)
                            } else {
                                append(type: event.type.rawValue, encodedObject: try encodings.encoded(event), to: &buffer)
                            }
                            if buffer.readableBytes >= Self.writeSize {
                                try await writer.write(buffer)
                                buffer = ByteBuffer()
                            }
                        }
                        if let last = events.last { lastRevision = String(last.revision) }
                    case .listed(let revision):
                        lastRevision = revision
                        listed = true
                    case .bookmark:
                        if listed { append(type: "BOOKMARK", object: bookmark(lastRevision), to: &buffer) }
                    case .failure(let error):
                        append(type: "ERROR", object: APIStatus.json(for: error), to: &buffer)
                        try await writer.write(buffer)
                        return
                    case .end:
                        if buffer.readableBytes > 0 { try await writer.write(buffer) }
                        return
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
    }

    /// Whether the watch starts with the current objects as ADDED: without a resourceVersion, or with "0".
    private var listsFirst: Bool { options.resourceVersion == nil || options.resourceVersion == "0" }

    /// A batch is written in pieces of about this many bytes, so a long backlog does not become one huge buffer.
    private static var writeSize: Int { 64 * 1024 }

    /// Queues the current objects as ADDED when the watch starts without a resourceVersion (or with "0"), then
    /// subscribes to the store's changes after them: each committed batch goes into `outbox` straight from the
    /// store's committer, no task in between. A watch whose writer falls more than the store's buffer limit
    /// behind ends with Expired. Failures are queued as the stream's ERROR event; nil then.
    private func subscribe(into outbox: WatchOutbox<Output>) async -> WatchSubscription? {
        do {
            var watchOptions = options
            if listsFirst {
                var listOptions = ListOptions(namespace: options.namespace, labelSelector: options.labelSelector,
                                              fieldSelector: options.fieldSelector, limit: 500)
                var revision = ""
                repeat {
                    let page = try await cluster.list(T.self, listOptions)
                    let added = page.items.map { WatchEvent(type: .added, object: $0, revision: Int64($0.metadata.resourceVersion ?? "") ?? 0) }
                    if !added.isEmpty { outbox.push(.events(added)) }
                    try Task.checkCancellation()  // the writer is gone: stop reading pages
                    revision = page.resourceVersion
                    listOptions.continueToken = page.continueToken
                } while listOptions.continueToken != nil
                outbox.push(.listed(revision: revision))
                watchOptions.resourceVersion = revision
            }
            let limit = max(1, cluster.store.options.watchBufferLimit)
            let receiver = WatchReceiver<T>(events: { events in
                outbox.push(.events(events), weight: events.count, limit: limit)
            }, end: { error in
                switch error {
                case nil: outbox.push(.end)
                case let error as APIError: outbox.push(.failure(error))
                case let error?: outbox.push(.failure(APIError(.internalError, "the watch failed: \(error)")))
                }
            })
            return try await cluster.watch(T.self, watchOptions, receiver: receiver)
        } catch let error as APIError {
            outbox.push(.failure(error))
        } catch is CancellationError {
            outbox.push(.end)
        } catch {
            outbox.push(.failure(APIError(.internalError, "the watch failed: \(error)")))
        }
        return nil
    }

    private func bookmark(_ revision: String) -> JSONValue {
        .object(JSONObject([
            .init(key: "kind", value: .string(T.resource.kind)),
            .init(key: "apiVersion", value: .string(T.resource.apiVersion)),
            .init(key: "metadata", value: .object(JSONObject([.init(key: "resourceVersion", value: .string(revision))]))),
        ]))
    }

    /// Appends an event line around an object already encoded (shared by every watcher of the same change).
    private func append(type: String, encodedObject: Data, to buffer: inout ByteBuffer) {
        buffer.writeString("{\"type\":\"\(type)\",\"object\":")
        buffer.writeBytes(encodedObject)
        buffer.writeString("}\n")
    }

    private func append(type: String, object: JSONValue, to buffer: inout ByteBuffer) {
        var bytes: [UInt8] = Array("{\"type\":".utf8)
        JSONBytes.appendString(type, to: &bytes)
        bytes.append(contentsOf: ",\"object\":".utf8)
        JSONWriter.write(object, into: &bytes)
        bytes.append(contentsOf: "}\n".utf8)
        buffer.writeBytes(bytes)
    }
}

/// Holds a watch's store subscription, which the listing task obtains, so the streamer can cancel it when the
/// stream ends, whichever finishes first: a subscription arriving after the stream closed is cancelled at once.
private final class SubscriptionSlot: Sendable {
    private let state = Mutex<(subscription: WatchSubscription?, closed: Bool)>((nil, false))

    func hold(_ subscription: WatchSubscription?) {
        let late = state.withLock { state -> WatchSubscription? in
            guard !state.closed else { return subscription }
            state.subscription = subscription
            return nil
        }
        late?.cancel()
    }

    func close() {
        state.withLock { state -> WatchSubscription? in
            state.closed = true
            defer { state.subscription = nil }
            return state.subscription
        }?.cancel()
    }
}
