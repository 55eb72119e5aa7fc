import Foundation
import GRDB
import StowageAPI

/// Replacing objects: ``Store/update(_:)``, ``Store/updateStatus(_:)``, ``Store/replaceTogether(_:_:)`` and
/// ``Store/createAndReplace(_:_:)``.
///
/// The committer applies writes one after another on the writer connection, so whatever a write does there is
/// on every writer's critical path. A replace that names the revision it is based on (compare-and-swap) and
/// whose stored copy at that revision is in the object cache is therefore merged and encoded by its caller,
/// before it is queued; on the writer it is then a revision check and two row writes. When the revision moved
/// on meanwhile the write is a Conflict anyway, so the prepared work is never wrong, only sometimes wasted.
extension Store {
    /// Replaces two objects wholly (metadata, spec and status, as ``update(_:)`` and ``updateStatus(_:)`` would one
    /// after the other) in one transaction: both are written or neither. Each is compare-and-swap on its
    /// `resourceVersion` when set, also one that would not change (it is checked, not written): a bind proves the
    /// volume is still the one the caller saw. Watchers see `first`'s change
    /// before `second`'s. The binder uses it to write a bind (the volume, then the claim) as one commit.
    /// - Throws: ``APIError`` NotFound, Conflict (for either; nothing is written then).
    public func replaceTogether<A: APIObject, B: APIObject>(_ first: A, _ second: B) async throws -> (A, B) {
        let firstPlan = try plan(first, operation: "replace", merge: Self.whole)
        let secondPlan = try plan(second, operation: "replace", merge: Self.whole)
        return try await committer.submit { db in
            let (writtenFirst, firstChanges) = try self.apply(firstPlan, db)
            let (writtenSecond, secondChanges) = try self.apply(secondPlan, db)
            return ((writtenFirst, writtenSecond), firstChanges + secondChanges)
        }
    }

    /// Creates `created` (as ``create(_:)``) and replaces `replaced` wholly (as ``replaceTogether(_:_:)``) in one
    /// transaction: both are written or neither. Watchers see the creation first. The provisioner uses it to
    /// record a new PV and take its in-flight finalizer off the claim in one commit.
    /// - Throws: ``APIError`` AlreadyExists for `created`; NotFound or Conflict for `replaced` (nothing is written then).
    public func createAndReplace<A: APIObject, B: APIObject>(_ created: A, _ replaced: B) async throws -> (A, B) {
        let createPlan = try createPlan(created)
        let replacePlan = try plan(replaced, operation: "replace", merge: Self.whole)
        return try await committer.submit { db in
            let (writtenCreated, createChanges) = try self.apply(createPlan, db)
            let (writtenReplaced, replaceChanges) = try self.apply(replacePlan, db)
            return ((writtenCreated, writtenReplaced), createChanges + replaceChanges)
        }
    }

    /// Replaces one object, merging the caller's copy with the stored one by `merge`.
    func replace<T: APIObject>(
        _ object: T, operation: String, merge: @escaping @Sendable (_ stored: T, _ given: T) -> T
    ) async throws -> T {
        let plan = try plan(object, operation: operation, merge: merge)
        return try await committer.submit { db in try self.apply(plan, db) }
    }

    /// The merge of a whole-object replace: everything from the caller, `generation` advanced when the spec changed.
    @Sendable static func whole<T: APIObject>(_ stored: T, _ given: T) -> T {
        var next = given
        next.metadata.generation = (stored.metadata.generation ?? 1) + (next.specDiffers(from: stored) ? 1 : 0)
        return next
    }

    /// A replace ready for the committer, with its result computed ahead when the stored copy it is based on is
    /// in the object cache.
    struct ReplacePlan<T: APIObject>: Sendable {
        let object: T
        let key: String
        let namespace: String
        let name: String
        let merge: @Sendable (_ stored: T, _ given: T) -> T
        let prepared: Prepared?

        struct Prepared: Sendable {
            /// The stored copy the result was computed from (its revision is the one the caller expects).
            let stored: T
            /// The merged object; nil when it equals `stored` (nothing to write).
            let next: T?
            let data: Data
        }
    }

    private func plan<T: APIObject>(
        _ object: T, operation: String, merge: @escaping @Sendable (_ stored: T, _ given: T) -> T
    ) throws -> ReplacePlan<T> {
        let key = T.resource.storageKey
        let name = object.metadata.name ?? ""
        guard !name.isEmpty else { throw APIError.badRequest("\(operation) \(key): metadata.name must be set") }
        let namespace = Self.storageNamespace(T.self, object.metadata.namespace)
        var prepared: ReplacePlan<T>.Prepared?
        if let expected = object.metadata.resourceVersion.flatMap(Int64.init),
           let stored = objectCache.object(T.self, resource: key, namespace: namespace, name: name, revision: expected) {
            let next = Self.merged(stored, object, merge)
            if next == stored {
                prepared = .init(stored: stored, next: nil, data: Data())
            } else if let data = try? Self.encodeForStorage(next) {
                prepared = .init(stored: stored, next: next, data: data)
            }
        }
        return ReplacePlan(object: object, key: key, namespace: namespace, name: name, merge: merge, prepared: prepared)
    }

    /// `merge`'s result with what a client can never change taken from `stored`.
    private static func merged<T: APIObject>(_ stored: T, _ given: T, _ merge: (_ stored: T, _ given: T) -> T) -> T {
        var next = merge(stored, given)
        next.metadata.name = stored.metadata.name
        next.metadata.namespace = stored.metadata.namespace
        next.metadata.uid = stored.metadata.uid
        next.metadata.creationTimestamp = stored.metadata.creationTimestamp
        next.metadata.deletionTimestamp = stored.metadata.deletionTimestamp
        next.metadata.deletionGracePeriodSeconds = stored.metadata.deletionGracePeriodSeconds
        next.metadata.resourceVersion = stored.metadata.resourceVersion
        return next
    }

    /// One replace inside the committer's transaction: reads the row, checks the expected revision, merges
    /// (unless the plan did), and writes — or deletes, when the last finalizer of an object being deleted went.
    private func apply<T: APIObject>(_ plan: ReplacePlan<T>, _ db: Database) throws -> (T, [ChangeRecord]) {
        let resource = T.resource
        let (key, namespace, name) = (plan.key, plan.namespace, plan.name)
        guard let current = try Rows.current(db, resource: key, namespace: namespace, name: name) else {
            throw APIError.notFound(resource, name)
        }
        if let expected = plan.object.metadata.resourceVersion, !expected.isEmpty, expected != String(current.revision) {
            throw APIError.conflict(resource, name)
        }
        let stored: T
        var next: T
        let data: Data
        if let prepared = plan.prepared {
            // The revision matched, so `prepared.stored` is the stored object.
            guard let preparedNext = prepared.next else { return (prepared.stored, []) }
            (stored, next, data) = (prepared.stored, preparedNext, prepared.data)
        } else {
            stored = try self.stored(T.self, current, namespace: namespace, name: name)
            next = Self.merged(stored, plan.object, plan.merge)
            if next == stored { return (stored, []) }
            data = try Self.encodeForStorage(next)
        }
        if next.metadata.isBeingDeleted && (next.metadata.finalizers ?? []).isEmpty {
            let revision = try Rows.appendChange(db, resource: key, namespace: namespace, name: name, type: .deleted, data: data, previousRevision: current.revision)
            try Rows.deleteObject(db, resource: key, namespace: namespace, name: name)
            next.metadata.resourceVersion = String(revision)
            return (next, [ChangeRecord(revision: revision, resource: key, namespace: namespace, name: name, type: .deleted,
                                        data: data, previous: current.data, previousRevision: current.revision,
                                        object: Self.verified(next, data), previousObject: stored)])
        }
        let revision = try Rows.appendChange(db, resource: key, namespace: namespace, name: name, type: .modified, data: data, previousRevision: current.revision)
        try Rows.updateObject(db, resource: key, namespace: namespace, name: name, revision: revision, data: data)
        next.metadata.resourceVersion = String(revision)
        return (next, [ChangeRecord(revision: revision, resource: key, namespace: namespace, name: name, type: .modified,
                                    data: data, previous: current.data, previousRevision: current.revision,
                                    object: Self.verified(next, data), previousObject: stored)])
    }
}
