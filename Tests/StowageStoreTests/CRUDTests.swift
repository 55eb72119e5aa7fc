import Foundation
import StowageAPI
import StowageStore
import Testing

@Suite("Store: create, get, update, delete")
struct CRUDTests {
    @Test func createAssignsIdentityAndGetReadsItBack() async throws {
        try await withStore { store, _ in
            let created = try await store.create(Namespace(metadata: ObjectMeta(name: "team-a", namespace: "ignored")))
            #expect(created.metadata.uid?.count == 36)
            #expect(created.metadata.uid == created.metadata.uid?.lowercased())
            #expect(created.metadata.generation == 1)
            #expect(created.metadata.creationTimestamp != nil)
            #expect(created.metadata.resourceVersion == "1")
            #expect(created.metadata.namespace == nil)
            let read = try await store.get(Namespace.self, ObjectKey(name: "team-a"))
            #expect(read == created)
            #expect(try await store.currentRevision() == 1)
        }
    }

    @Test func generateNameAddsFiveCharacters() async throws {
        try await withStore { store, _ in
            var widget = TestWidget("ns", "")
            widget.metadata.name = nil
            widget.metadata.generateName = "w-"
            let a = try await store.create(widget)
            let b = try await store.create(widget)
            let name = try #require(a.metadata.name)
            #expect(name.hasPrefix("w-") && name.count == 7)
            #expect(name.dropFirst(2).allSatisfy { $0.isLowercase || $0.isNumber })
            #expect(a.metadata.name != b.metadata.name)
        }
    }

    @Test func alreadyExistsAndNotFoundCarryKubernetesMessages() async throws {
        try await withStore { store, _ in
            _ = try await store.create(TestWidget("ns", "a"))
            let exists = await #expect(throws: APIError.self) { try await store.create(TestWidget("ns", "a")) }
            #expect(exists?.reason == .alreadyExists)
            #expect(exists?.message == "testwidgets.test.stowage.io \"a\" already exists")
            // The same name in another namespace is another object.
            _ = try await store.create(TestWidget("other", "a"))
            let missing = await #expect(throws: APIError.self) { try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "b")) }
            #expect(missing?.reason == .notFound)
            #expect(missing?.message == "testwidgets.test.stowage.io \"b\" not found")
            let updateMissing = await #expect(throws: APIError.self) { try await store.update(TestWidget("ns", "b")) }
            #expect(updateMissing?.reason == .notFound)
            let deleteMissing = await #expect(throws: APIError.self) { try await store.delete(TestWidget.self, ObjectKey(namespace: "ns", name: "b")) }
            #expect(deleteMissing?.reason == .notFound)
        }
    }

    @Test func updateIsCompareAndSwapWhenResourceVersionIsSet() async throws {
        try await withStore { store, _ in
            let created = try await store.create(TestWidget("ns", "a", color: "red"))
            var first = created
            first.spec?.color = "blue"
            let updated = try await store.update(first)
            #expect(Int64(updated.metadata.resourceVersion ?? "") ?? 0 > Int64(created.metadata.resourceVersion ?? "") ?? 0)
            var stale = created
            stale.spec?.color = "green"
            let conflict = await #expect(throws: APIError.self) { try await store.update(stale) }
            #expect(conflict?.reason == .conflict)
            #expect(conflict?.message == "Operation cannot be fulfilled on testwidgets.test.stowage.io \"a\": the object has been modified; please apply your changes to the latest version and try again")
            // Unconditional: no resourceVersion.
            var blind = stale
            blind.metadata.resourceVersion = nil
            let forced = try await store.update(blind)
            #expect(forced.spec?.color == "green")
            #expect(try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "a")) == forced)
        }
    }

    @Test func generationIncreasesOnlyWhenTheSpecChanges() async throws {
        try await withStore { store, _ in
            var widget = try await store.create(TestWidget("ns", "a", color: "red"))
            widget.metadata.labels = ["tier": "gold"]
            widget = try await store.update(widget)
            #expect(widget.metadata.generation == 1)
            widget.spec?.size = 3
            widget = try await store.update(widget)
            #expect(widget.metadata.generation == 2)
            // A no-op update writes nothing.
            let again = try await store.update(widget)
            #expect(again.metadata.resourceVersion == widget.metadata.resourceVersion)
        }
    }

    @Test func updateKeepsStatusAndIdentityAndUpdateStatusTakesOnlyStatus() async throws {
        try await withStore { store, _ in
            var widget = try await store.create(TestWidget("ns", "a", color: "red"))
            let uid = widget.metadata.uid
            widget.status = TestWidget.Status(phase: "Ready")
            widget.spec?.color = "ignored-by-status-update"
            let statusUpdated = try await store.updateStatus(widget)
            #expect(statusUpdated.status?.phase == "Ready")
            #expect(statusUpdated.spec?.color == "red")
            #expect(statusUpdated.metadata.generation == 1)

            var change = statusUpdated
            change.status = TestWidget.Status(phase: "Hacked")
            change.metadata.uid = "someone-else"
            change.metadata.creationTimestamp = Timestamp(secondsSinceEpoch: 0)
            change.metadata.deletionTimestamp = Timestamp(secondsSinceEpoch: 0)
            change.spec?.color = "blue"
            let updated = try await store.update(change)
            #expect(updated.status?.phase == "Ready")
            #expect(updated.spec?.color == "blue")
            #expect(updated.metadata.uid == uid)
            #expect(updated.metadata.creationTimestamp == statusUpdated.metadata.creationTimestamp)
            #expect(updated.metadata.deletionTimestamp == nil)
            #expect(updated.metadata.generation == 2)

            var staleStatus = statusUpdated
            staleStatus.status = TestWidget.Status(phase: "Old")
            let conflict = await #expect(throws: APIError.self) { try await store.updateStatus(staleStatus) }
            #expect(conflict?.reason == .conflict)
        }
    }

    @Test func replaceTogetherWritesBothObjectsOrNeither() async throws {
        try await withStore { store, _ in
            let first = try await store.create(TestWidget("ns", "first", color: "red"))
            let second = try await store.create(TestWidget("ns", "second", color: "red"))
            let revision = try await store.currentRevision()

            // A stale second object: Conflict, and the first (valid on its own) is not written either.
            var firstChange = first
            firstChange.spec?.color = "blue"
            firstChange.status = TestWidget.Status(phase: "Bound")
            var staleSecond = second
            staleSecond.metadata.resourceVersion = "1"
            let conflict = await #expect(throws: APIError.self) { try await store.replaceTogether(firstChange, staleSecond) }
            #expect(conflict?.reason == .conflict)
            #expect(try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "first")) == first)
            #expect(try await store.currentRevision() == revision)

            // Both current: spec and status of both land in one commit, in order, seen by a watch.
            let changes = try await store.watch(TestWidget.self, StoreWatchOptions(namespace: "ns", resourceVersion: revision))
            var secondChange = second
            secondChange.status = TestWidget.Status(phase: "Bound")
            let (writtenFirst, writtenSecond) = try await store.replaceTogether(firstChange, secondChange)
            #expect(writtenFirst.spec?.color == "blue" && writtenFirst.status?.phase == "Bound")
            #expect(writtenFirst.metadata.generation == 2)
            #expect(writtenSecond.status?.phase == "Bound" && writtenSecond.metadata.generation == 1)
            #expect(try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "second")) == writtenSecond)
            let seen = await collect(changes, count: 2)
            #expect(seen.events.map { $0.object.metadata.name } == ["first", "second"])
            #expect(seen.events.map(\.object) == [writtenFirst, writtenSecond])

            // Nothing to change: nothing written.
            let unchanged = try await store.replaceTogether(writtenFirst, writtenSecond)
            #expect(unchanged.0 == writtenFirst && unchanged.1 == writtenSecond)
            #expect(try await store.currentRevision() == revision + 2)
        }
    }

    @Test func createAndReplaceWritesBothOrNeither() async throws {
        try await withStore { store, _ in
            let existing = try await store.create(TestWidget("ns", "claim", color: "red"))
            let revision = try await store.currentRevision()

            // A stale replace: Conflict, and the new object is not created.
            var stale = existing
            stale.metadata.resourceVersion = "999"
            let conflict = await #expect(throws: APIError.self) { try await store.createAndReplace(TestWidget("ns", "volume"), stale) }
            #expect(conflict?.reason == .conflict)
            await #expect(throws: APIError.self) { try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "volume")) }
            #expect(try await store.currentRevision() == revision)

            // A name that is taken: AlreadyExists, and the replace is not written.
            var changed = existing
            changed.spec?.color = "blue"
            let taken = await #expect(throws: APIError.self) { try await store.createAndReplace(TestWidget("ns", "claim"), changed) }
            #expect(taken?.reason == .alreadyExists)
            #expect(try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: "claim")) == existing)

            // Both fine: one commit, the creation seen first.
            let changes = try await store.watch(TestWidget.self, StoreWatchOptions(namespace: "ns", resourceVersion: revision))
            let (created, replaced) = try await store.createAndReplace(TestWidget("ns", "volume", color: "green"), changed)
            #expect(created.metadata.uid != nil && created.metadata.resourceVersion == String(revision + 1))
            #expect(replaced.spec?.color == "blue" && replaced.metadata.resourceVersion == String(revision + 2))
            let seen = await collect(changes, count: 2)
            #expect(seen.events.map(\.object) == [created, replaced])
        }
    }

    @Test func deleteWithoutFinalizersRemovesAndWithPreconditions() async throws {
        try await withStore { store, _ in
            let created = try await store.create(TestWidget("ns", "a"))
            let key = ObjectKey(namespace: "ns", name: "a")
            let badUID = await #expect(throws: APIError.self) {
                try await store.delete(TestWidget.self, key, preconditions: DeletePreconditions(uid: "nope"))
            }
            #expect(badUID?.message == "Operation cannot be fulfilled on testwidgets.test.stowage.io \"a\": Precondition failed: UID in precondition: nope, UID in object meta: \(created.metadata.uid ?? "")")
            let badVersion = await #expect(throws: APIError.self) {
                try await store.delete(TestWidget.self, key, preconditions: DeletePreconditions(resourceVersion: "99"))
            }
            #expect(badVersion?.reason == .conflict)
            #expect(badVersion?.message.contains("Precondition failed: ResourceVersion in precondition: 99, ResourceVersion in object meta: 1") == true)
            let outcome = try await store.delete(TestWidget.self, key, preconditions: DeletePreconditions(uid: created.metadata.uid, resourceVersion: "1"))
            guard case .deleted(let last) = outcome else {
                Issue.record("expected .deleted, got \(outcome)")
                return
            }
            #expect(last.metadata.resourceVersion == "2")
            await #expect(throws: APIError.self) { try await store.get(TestWidget.self, key) }
        }
    }

    @Test func finalizersDelayDeletionUntilTheLastIsRemoved() async throws {
        try await withStore { store, _ in
            _ = try await store.create(TestWidget("ns", "a", finalizers: ["test/one", "test/two"]))
            let key = ObjectKey(namespace: "ns", name: "a")
            let events = try await store.watch(TestWidget.self, StoreWatchOptions(namespace: "ns"))
            let outcome = try await store.delete(TestWidget.self, key)
            guard case .pending(var pending) = outcome else {
                Issue.record("expected .pending, got \(outcome)")
                return
            }
            #expect(pending.metadata.deletionTimestamp != nil)
            #expect(pending.metadata.deletionGracePeriodSeconds == 0)
            // Deleting again is a no-op.
            let again = try await store.delete(TestWidget.self, key)
            #expect(again.object == pending)
            // A client cannot clear deletionTimestamp.
            var undo = pending
            undo.metadata.deletionTimestamp = nil
            undo.metadata.removeFinalizer("test/one")
            pending = try await store.update(undo)
            #expect(pending.metadata.deletionTimestamp != nil)
            pending.metadata.removeFinalizer("test/two")
            let gone = try await store.update(pending)
            await #expect(throws: APIError.self) { try await store.get(TestWidget.self, key) }
            let seen = await collect(events, count: 3)
            #expect(seen.events.map(\.type) == [.modified, .modified, .deleted])
            #expect(seen.events.last?.object.metadata.resourceVersion == gone.metadata.resourceVersion)
        }
    }
}
