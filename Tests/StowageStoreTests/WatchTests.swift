import Foundation
import StowageAPI
import StowageStore
import Synchronization
import Testing

@Suite("Store: watch")
struct WatchTests {
    /// Runs a mixed history (creates, updates, finalizer deletion, deletes, another kind in between) and
    /// returns what each write reported, as "TYPE name revision".
    static func writeHistory(_ store: Store) async throws -> [String] {
        var log: [String] = []
        func record(_ type: String, _ object: TestWidget) { log.append("\(type) \(object.metadata.name ?? "") \(object.metadata.resourceVersion ?? "")") }
        var a = try await store.create(TestWidget("ns", "a", color: "red"))
        record("ADDED", a)
        _ = try await store.create(Namespace(metadata: ObjectMeta(name: "unrelated")))
        var b = try await store.create(TestWidget("ns", "b", finalizers: ["x/y"]))
        record("ADDED", b)
        a.spec?.size = 1
        a = try await store.update(a)
        record("MODIFIED", a)
        let pending = try await store.delete(TestWidget.self, ObjectKey(namespace: "ns", name: "b"))
        record("MODIFIED", pending.object)
        b = pending.object
        b.metadata.removeFinalizer("x/y")
        record("DELETED", try await store.update(b))
        let c = try await store.create(TestWidget("ns", "c"))
        record("ADDED", c)
        record("DELETED", try await store.delete(TestWidget.self, ObjectKey(namespace: "ns", name: "a")).object)
        _ = try await store.create(Namespace(metadata: ObjectMeta(name: "unrelated-2")))
        var c2 = c
        c2.status = TestWidget.Status(phase: "Done")
        record("MODIFIED", try await store.updateStatus(c2))
        record("ADDED", try await store.create(TestWidget("ns", "a", color: "blue")))
        return log
    }

    @Test func resumeFromEveryRetainedRevisionReplaysExactlyWhatFollowed() async throws {
        try await withStore { store, _ in
            let history = try await Self.writeHistory(store)
            let current = try await store.currentRevision()
            for revision in Int64(0)...current {
                let expected = history.filter { (Int64($0.split(separator: " ")[2]) ?? 0) > revision }
                let stream = try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: revision))
                let seen = await collect(stream, count: expected.count)
                #expect(seen.error == nil)
                #expect(seen.summary == expected, "resuming from \(revision)")
            }
            // And after a compaction, from every revision still retained.
            try await store.compact(upTo: 5)
            for revision in Int64(5)...current {
                let expected = history.filter { (Int64($0.split(separator: " ")[2]) ?? 0) > revision }
                let seen = await collect(try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: revision)), count: expected.count)
                #expect(seen.summary == expected, "resuming from \(revision) after compaction")
            }
        }
    }

    @Test func liveEventsFollowTheBacklogWithoutGapsOrDuplicates() async throws {
        try await withStore { store, _ in
            for index in 0..<20 { _ = try await store.create(TestWidget("ns", "early-\(index)")) }
            let writer = Task {
                for index in 0..<50 { _ = try await store.create(TestWidget("ns", "late-\(index)")) }
            }
            let stream = try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: 10))
            try await writer.value
            let seen = await collect(stream, count: 60)
            #expect(seen.events.map(\.revision) == Array(11...70))
        }
    }

    @Test func watchFromACompactedRevisionEndsExpired() async throws {
        try await withStore { store, _ in
            var widget = try await store.create(TestWidget("ns", "a"))
            for size in 1...5 {
                widget.spec?.size = size
                widget = try await store.update(widget)
            }
            let removed = try await store.compact(upTo: 4)
            #expect(removed == 3)
            #expect(try await store.compactedRevision() == 4)
            let seen = await collect(try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: 2)), count: 1)
            #expect(seen.events.isEmpty)
            let error = try #require(seen.error as? APIError)
            #expect(error.reason == .expired)
            #expect(error.message == "too old resource version: 2 (4)")
            let fromCompacted = await collect(try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: 4)), count: 2)
            #expect(fromCompacted.events.map(\.revision) == [5, 6])
        }
    }

    @Test func slowWatcherIsCutOffWithExpired() async throws {
        var options = StoreOptions()
        options.watchBufferLimit = 5
        try await withStore(options) { store, _ in
            let stream = try await store.watch(TestWidget.self)
            for index in 0..<20 { _ = try await store.create(TestWidget("ns", "w-\(index)")) }
            let seen = await collect(stream, count: 100)
            #expect(seen.events.count == 5)
            #expect(seen.error?.apiReason == .expired)
        }
    }

    @Test func filterTurnsMatchTransitionsIntoAddedAndDeleted() async throws {
        try await withStore { store, _ in
            let isRed: @Sendable (TestWidget) -> Bool = { $0.spec?.color == "red" }
            let live = try await store.watch(TestWidget.self, StoreWatchOptions(filter: isRed))
            var a = try await store.create(TestWidget("ns", "a", color: "red"))    // ADDED
            _ = try await store.create(TestWidget("ns", "b", color: "blue"))       // not seen
            a.spec?.color = "blue"
            a = try await store.update(a)                                          // DELETED (stops matching)
            a.spec?.color = "red"
            a = try await store.update(a)                                          // ADDED (starts matching)
            a.spec?.size = 2
            a = try await store.update(a)                                          // MODIFIED
            _ = try await store.delete(TestWidget.self, ObjectKey(namespace: "ns", name: "b"))  // not seen
            _ = try await store.delete(TestWidget.self, ObjectKey(namespace: "ns", name: "a"))  // DELETED
            let expected = ["ADDED a 1", "DELETED a 3", "ADDED a 4", "MODIFIED a 5", "DELETED a 7"]
            let seen = await collect(live, count: 5)
            #expect(seen.summary == expected)
            #expect(seen.events[1].object.spec?.color == "red", "DELETED carries the last matching state")
            let replayed = await collect(try await store.watch(TestWidget.self, StoreWatchOptions(resourceVersion: 0, filter: isRed)), count: 5)
            #expect(replayed.summary == expected)
        }
    }

    @Test func namespaceScopesTheWatch() async throws {
        try await withStore { store, _ in
            let stream = try await store.watch(TestWidget.self, StoreWatchOptions(namespace: "two"))
            _ = try await store.create(TestWidget("one", "a"))
            _ = try await store.create(TestWidget("two", "a"))
            let seen = await collect(stream, count: 1)
            #expect(seen.summary == ["ADDED a 2"])
            #expect(seen.events.first?.object.metadata.namespace == "two")
        }
    }

    @Test func cancellingTheConsumerUnregistersTheWatch() async throws {
        try await withStore { store, _ in
            let stream = try await store.watch(TestWidget.self)
            #expect(store.watcherCount == 1)
            let consumer = Task {
                for try await _ in stream {}
            }
            _ = try await store.create(TestWidget("ns", "a"))
            consumer.cancel()
            _ = await consumer.result
            #expect(await eventually { store.watcherCount == 0 })
        }
    }

    @Test func closingTheStoreEndsWatches() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let store = try Store.open(directory: directory)
        let stream = try await store.watch(TestWidget.self)
        await store.close()
        let seen = await collect(stream, count: 1)
        #expect(seen.events.isEmpty && seen.error == nil)
        await #expect(throws: StoreError.self) { try await store.create(TestWidget("ns", "late")) }
    }
}

@Suite("Store: automatic compaction")
struct AutomaticCompactionTests {
    @Test func compactsOnTheCommitterKeepingTheRetainedWindow() async throws {
        var options = StoreOptions()
        options.compactionInterval = .milliseconds(1)
        options.retainedRevisions = 5
        options.retainedAge = .zero
        try await withStore(options) { store, _ in
            var widget = try await store.create(TestWidget("ns", "a"))
            var clock = 0
            let compacted = try await eventually {
                clock += 1
                widget.spec?.size = clock
                widget = try await store.update(widget)
                return try await store.compactedRevision() > 0
            }
            #expect(compacted)
            let current = try await store.currentRevision()
            let compactedRevision = try await store.compactedRevision()
            #expect(compactedRevision <= current - 5)
            #expect(store.compactionFailures == 0)
            let report = try await store.checkIntegrity()
            #expect(report.isSound, "\(report.problems)")
            #expect(report.changeCount <= Int(current - compactedRevision) + 1)
        }
    }

    /// The receiver form hands over whole committed batches, in revision order, without a task in between; a
    /// receiver refusing a batch ends the watch with Expired; dropping the subscription unregisters the watch.
    @Test func aReceiverGetsCommittedBatchesInOrderAndLivesAsLongAsItsSubscription() async throws {
        try await withStore { store, _ in
            let batches = Mutex<[[Int64]]>([])
            let ended = Mutex<[String]>([])
            let receiver = WatchReceiver<TestWidget>(events: { events in
                batches.withLock { $0.append(events.map(\.revision)) }
                return true
            }, end: { error in
                ended.withLock { $0.append(error.map { "\($0)" } ?? "nil") }
            })
            let before = store.watcherCount
            var subscription: WatchSubscription? = await store.watch(TestWidget.self, StoreWatchOptions(), receiver: receiver)
            #expect(store.watcherCount == before + 1)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 { group.addTask { _ = try await store.create(TestWidget("ns", "w-\(index)")) } }
                try await group.waitForAll()
            }
            let revisions = batches.withLock { $0.flatMap { $0 } }
            #expect(revisions.count == 40)
            #expect(revisions == revisions.sorted())
            #expect(batches.withLock { $0.count } <= 40, "one call per committed batch")
            subscription = nil
            #expect(store.watcherCount == before, "releasing the subscription unregistered the watch")
            _ = try await store.create(TestWidget("ns", "after"))
            #expect(batches.withLock { $0.flatMap { $0 } }.count == 40, "nothing delivered after the subscription was released")
            #expect(ended.withLock { $0 }.isEmpty, "a cancelled watch is not told it ended")
            _ = subscription
        }
    }

    @Test func aReceiverThatRefusesABatchEndsTheWatchWithExpired() async throws {
        try await withStore { store, _ in
            let ended = Mutex<(any Error)?>(nil)
            let receiver = WatchReceiver<TestWidget>(events: { _ in false }, end: { error in ended.withLock { $0 = error } })
            let before = store.watcherCount
            let subscription = await store.watch(TestWidget.self, StoreWatchOptions(), receiver: receiver)
            _ = try await store.create(TestWidget("ns", "refused"))
            #expect((ended.withLock { $0 } as? APIError)?.reason == .expired)
            #expect(store.watcherCount == before, "an ended watch leaves the hub at once, before its subscription is cancelled")
            subscription.cancel()
        }
    }
}
