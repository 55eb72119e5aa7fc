import Foundation
import StowageAPI
import StowageStore
import Testing

/// A namespaced test-only kind with spec, status and a status subresource.
struct TestWidget: APIObject {
    static let resource = APIResource(
        group: "test.stowage.io", version: "v1", kind: "TestWidget", plural: "testwidgets", namespaced: true,
        hasStatusSubresource: true)

    struct Spec: Codable, Sendable, Hashable {
        var color: String?
        var size: Int?
    }
    struct Status: Codable, Sendable, Hashable {
        var phase: String?
    }

    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    init(_ namespace: String, _ name: String, color: String? = nil, size: Int? = nil, finalizers: [String]? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace, finalizers: finalizers)
        spec = Spec(color: color, size: size)
    }

    func specDiffers(from old: TestWidget) -> Bool { spec != old.spec }
    mutating func takeStatus(from other: TestWidget) { status = other.status }
}

/// A fresh state directory under the temporary directory, removed by ``removeTemporaryDirectory(_:)``.
func makeTemporaryDirectory() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("stowage-store-test-\(UUID().uuidString)").path
}

func removeTemporaryDirectory(_ path: String) {
    do {
        try FileManager.default.removeItem(atPath: path)
    } catch {
        Issue.record("removing \(path): \(error)")
    }
}

/// Runs `body` with a store on a fresh temporary directory; closes the store and removes the directory after.
@discardableResult
func withStore<R>(_ options: StoreOptions = StoreOptions(), _ body: (Store, String) async throws -> R) async throws -> R {
    let directory = makeTemporaryDirectory()
    defer { removeTemporaryDirectory(directory) }
    let store = try Store.open(directory: directory, options: options)
    do {
        let result = try await body(store, directory)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

/// What a stream produced: its first `count` events (fewer when it ended or the deadline passed) and the error
/// it ended with, if any.
struct Collected<T: APIObject>: Sendable {
    var events: [WatchEvent<T>]
    var error: (any Error)?
    var summary: [String] { events.map { "\($0.type.rawValue) \($0.object.metadata.name ?? "") \($0.revision)" } }
}

/// Collects `count` events from `stream`, giving up at `deadline` (the watch is then cancelled). Not a sleep:
/// it returns as soon as the events are there.
func collect<T: APIObject>(_ stream: AsyncThrowingStream<WatchEvent<T>, any Error>, count: Int, deadline: Duration = .seconds(20)) async -> Collected<T> {
    let consumer = Task { () -> Collected<T> in
        var events: [WatchEvent<T>] = []
        do {
            if count == 0 { return Collected(events: [], error: nil) }
            for try await event in stream {
                events.append(event)
                if events.count >= count { break }
            }
            return Collected(events: events, error: nil)
        } catch {
            return Collected(events: events, error: error)
        }
    }
    let timer = Task {
        try await Task.sleep(for: deadline)
        consumer.cancel()
    }
    let result = await consumer.value
    timer.cancel()
    return result
}

/// Polls `condition` until it holds or `deadline` passes; returns whether it held.
func eventually(deadline: Duration = .seconds(20), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + deadline
    while clock.now < end {
        if try await condition() { return true }
        await Task.yield()
    }
    return try await condition()
}

extension Error {
    var apiReason: APIError.Reason? { (self as? APIError)?.reason }
}
