import Foundation
import Testing
import StowageAPI
import StowageClient
import StowageJSON
import StowageStore
@testable import StowageServer

/// How watches end: the client hanging up, the server shutting down, a client too far behind, and a burst that queues up behind the
/// writer still arriving whole and in order.
@Suite struct APIWatchLifecycleTests {
    /// A client that closes its watch connection while nothing is happening must not leave the watch running:
    /// it used to hold its store watcher forever (the connection stayed in CLOSE-WAIT) and keep `stowage serve`
    /// from exiting on SIGTERM, which `stowage bench api` saw as a stall.
    @Test func aWatchWhoseClientHangsUpEndsAndUnregisters() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let before = server.store.watcherCount
        let fd = try await openClaimWatch(server)
        #expect(await eventually { server.store.watcherCount == before + 1 }, "the watch is registered with the store")
        close(fd)
        #expect(await eventually { server.store.watcherCount == before }, "the watch ended when its client hung up")
    }

    /// Graceful shutdown (SIGTERM) ends open watches cleanly, so the server can stop; clients see the stream end
    /// and rewatch.
    @Test func gracefulShutdownEndsOpenWatches() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let start = try await server.client.list(PersistentVolumeClaim.self, ListOptions(namespace: "default")).resourceVersion
        let events = try await server.client.watch(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: start))
        let consumer = Task {
            var count = 0
            for try await _ in events { count += 1 }
            return count
        }
        defer { consumer.cancel() }
        #expect(await eventually { server.store.watcherCount >= 1 })
        await server.shutDownGracefully()
        #expect(await eventually { !server.isServing }, "the server stopped with a watch open")
        #expect(try await consumer.value == 0, "the watch ended without an error and without events")
    }

    /// Events that pile up while the writer is busy go out in batched writes; every one arrives, once, in
    /// revision order.
    @Test func aBurstArrivesWholeAndInOrder() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let start = try await server.client.list(PersistentVolumeClaim.self, ListOptions(namespace: "default")).resourceVersion
        let lines = try await server.client.watchLines(PersistentVolumeClaim.self, WatchOptions(namespace: "default", resourceVersion: start))
        let total = 2_000
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in stride(from: writer, to: total, by: 8) {
                        _ = try await server.cluster.create(PersistentVolumeClaim(name: "burst-\(index)", request: Quantity(bytes: 1 << 20)))
                    }
                }
            }
            try await group.waitForAll()
        }
        var revisions: [Int64] = []
        var names = Set<String>()
        for try await line in lines {
            let event = try JSONTreeDecoder().decode(WireEvent.self, from: line)
            revisions.append(Int64(event.object.metadata.resourceVersion ?? "") ?? 0)
            names.insert(event.object.metadata.name ?? "")
            if revisions.count == total { break }
        }
        #expect(names.count == total)
        #expect(revisions == revisions.sorted())
    }

    /// A watch whose client stops reading is ended, not buffered without bound: once more than the store's
    /// watch buffer limit of events wait behind a blocked write, the stream ends with an ERROR event carrying
    /// 410 Expired (the client starts a new watch) and the watch is unregistered.
    @Test func aWatchThatFallsTooFarBehindEndsWith410Expired() async throws {
        var options = StoreOptions()
        options.watchBufferLimit = 5
        let server = try await TestServer(storeOptions: options)
        defer { Task { await server.stop() } }
        let before = server.store.watcherCount
        let fd = try await openClaimWatch(server)
        defer { close(fd) }
        // 100 KiB claims, 6 MB in all: far more than the socket buffers hold while nobody reads.
        let bulk = String(repeating: "x", count: 100 * 1024)
        let total = 60
        for index in 0..<total {
            var claim = PersistentVolumeClaim(name: "big-\(index)", request: Quantity(bytes: 1 << 20))
            claim.metadata.annotations = ["example.com/bulk": bulk]
            _ = try await server.cluster.create(claim)
        }
        let body = try await onThread { try RawSocketHTTP.readChunkedBody(fd) }
        let lines = body.split(separator: "\n")
        let added = lines.filter { $0.hasPrefix(#"{"type":"ADDED""#) }.count
        #expect(added < total, "the watch was cut off before every event was queued")
        #expect(lines.last?.contains(#""type":"ERROR""#) == true)
        #expect(lines.last?.contains(#""code":410"#) == true)
        #expect(lines.last?.contains("were not consumed") == true)
        #expect(await eventually { server.store.watcherCount == before }, "the watch is unregistered")
    }

    private struct WireEvent: Decodable {
        var type: String
        var object: PersistentVolumeClaim
    }

    @Test func theOutboxHandsOverEverythingQueuedAndEnds() async {
        let outbox = WatchOutbox<Int>()
        for value in 0..<5 { outbox.push(value) }
        #expect(await outbox.take() == [0, 1, 2, 3, 4])
        let waiting = Task { await outbox.take() }
        outbox.push(5)
        #expect(await waiting.value == [5])
        outbox.push(6)
        outbox.finish()
        outbox.push(7)
        #expect(await outbox.take() == nil, "finishing drops what is queued and ends the outbox")
        let cancelled = Task { await WatchOutbox<Int>().take() }
        cancelled.cancel()
        #expect(await cancelled.value == nil, "cancelling a waiting take ends it")
    }
}

/// Runs blocking socket I/O on its own thread: on the cooperative pool it could starve the server's tasks.
/// Opens a raw watch of the default namespace's claims from the current revision; the caller closes it.
private func openClaimWatch(_ server: TestServer) async throws -> Int32 {
    let start = try await server.client.list(PersistentVolumeClaim.self, ListOptions(namespace: "default")).resourceVersion
    let socket = server.socketPath
    return try await onThread {
        try RawSocketHTTP.openStream(socket: socket, path: "/api/v1/namespaces/default/persistentvolumeclaims?watch=1&resourceVersion=\(start)")
    }
}

private func onThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
private func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
