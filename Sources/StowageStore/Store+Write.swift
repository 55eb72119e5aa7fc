import Foundation
import GRDB
import StowageAPI

extension Store {
    /// Creates `object`: assigns `uid`, `creationTimestamp`, `resourceVersion`, `generation` 1, and a name from
    /// `generateName` (plus 5 random lower-case alphanumerics, retried on collision) when `name` is empty.
    /// The namespace of a cluster-scoped kind is cleared; a namespaced kind needs one. Returns once durable.
    /// - Throws: ``APIError`` AlreadyExists; Invalid when neither name nor generateName is set; BadRequest when
    ///   a namespaced object has no namespace.
    public func create<T: APIObject>(_ object: T) async throws -> T {
        let plan = try createPlan(object)
        return try await committer.submit { db in try self.apply(plan, db) }
    }

    /// A create ready for the committer: the object with its server-set fields, already encoded.
    struct CreatePlan<T: APIObject>: Sendable {
        let object: T
        let data: Data
        let namespace: String
        /// The `generateName` prefix, when the name was generated (a collision draws another).
        let generateName: String?
    }

    func createPlan<T: APIObject>(_ object: T) throws -> CreatePlan<T> {
        let resource = T.resource
        var object = object
        if resource.namespaced {
            guard let namespace = object.metadata.namespace, !namespace.isEmpty else {
                throw APIError.badRequest("\(resource.kind) is namespaced: metadata.namespace must be set")
            }
        } else {
            object.metadata.namespace = nil
        }
        var generateName: String?
        if (object.metadata.name ?? "").isEmpty {
            guard let prefix = object.metadata.generateName, !prefix.isEmpty else {
                throw APIError(.invalid, "\(resource.kind) \"\" is invalid: metadata.name: Required value: name or generateName is required",
                               group: resource.group, kind: resource.kind, name: "")
            }
            generateName = prefix
            object.metadata.name = prefix + Self.randomSuffix()
        }
        object.metadata.uid = Self.newUID()
        object.metadata.creationTimestamp = .now()
        object.metadata.generation = 1
        object.metadata.resourceVersion = nil
        object.metadata.deletionTimestamp = nil
        object.metadata.deletionGracePeriodSeconds = nil
        return CreatePlan(object: object, data: try Self.encodeForStorage(object),
                          namespace: object.metadata.namespace ?? "", generateName: generateName)
    }

    /// One create inside the committer's transaction.
    func apply<T: APIObject>(_ plan: CreatePlan<T>, _ db: Database) throws -> (T, [ChangeRecord]) {
        let resource = T.resource
        let key = resource.storageKey
        let namespace = plan.namespace
        var object = plan.object
        var data = plan.data
        if let generateName = plan.generateName {
            var attempts = 0
            while try Rows.exists(db, resource: key, namespace: namespace, name: object.metadata.name ?? "") {
                attempts += 1
                guard attempts < 16 else { throw APIError.alreadyExists(resource, object.metadata.name ?? "") }
                object.metadata.name = generateName + Self.randomSuffix()
                data = try Self.encodeForStorage(object)
            }
        }
        let name = object.metadata.name ?? ""
        let revision = try Rows.appendChange(db, resource: key, namespace: namespace, name: name, type: .added, data: data, previousRevision: 0)
        guard try Rows.insertObject(db, resource: key, namespace: namespace, name: name, revision: revision, uid: object.metadata.uid ?? "", data: data) else {
            throw APIError.alreadyExists(resource, name)
        }
        object.metadata.resourceVersion = String(revision)
        let change = ChangeRecord(revision: revision, resource: key, namespace: namespace, name: name, type: .added,
                                  data: data, previous: nil, previousRevision: 0, object: Self.verified(object, data))
        return (object, [change])
    }

    /// Replaces an object. Compare-and-swap when `metadata.resourceVersion` is set (``APIError`` Conflict when
    /// stale); unconditional otherwise. Keeps the stored status when the kind has a status subresource; keeps
    /// `uid`, `creationTimestamp`, `deletionTimestamp` and `deletionGracePeriodSeconds` (a client can neither set
    /// nor clear them); increases `generation` when the spec changed. Removing the last finalizer of an object
    /// being deleted deletes it (the returned object then carries the deletion's revision, and watchers see
    /// DELETED). An update that changes nothing writes nothing and returns the stored object.
    /// - Throws: ``APIError`` NotFound, Conflict.
    public func update<T: APIObject>(_ object: T) async throws -> T {
        try await replace(object, operation: "update") { stored, given in
            var next = given
            if T.resource.hasStatusSubresource { next.takeStatus(from: stored) }
            next.metadata.generation = (stored.metadata.generation ?? 1) + (next.specDiffers(from: stored) ? 1 : 0)
            return next
        }
    }

    /// Replaces only the status of an object (the `status` subresource), same concurrency rules as ``update(_:)``:
    /// everything but the status is taken from the stored object.
    /// - Throws: ``APIError`` NotFound, Conflict.
    public func updateStatus<T: APIObject>(_ object: T) async throws -> T {
        try await replace(object, operation: "update status of") { stored, given in
            var next = stored
            next.takeStatus(from: given)
            return next
        }
    }

    /// Deletes an object: at once when it has no finalizers (watchers see DELETED with the object's last state
    /// at the deletion's revision), else sets `deletionTimestamp` (now), `deletionGracePeriodSeconds` 0 and
    /// increases `generation`, and keeps it until the last finalizer is removed (``DeleteOutcome/pending(_:)``).
    /// Deleting an object already being deleted changes nothing and returns `.pending`.
    /// - Throws: ``APIError`` NotFound; Conflict when a precondition (uid, resourceVersion) does not hold.
    public func delete<T: APIObject>(_ type: T.Type, _ key: ObjectKey, preconditions: DeletePreconditions = DeletePreconditions()) async throws -> DeleteOutcome<T> {
        let resource = T.resource
        let storageKey = resource.storageKey
        let namespace = Self.storageNamespace(T.self, key.namespace)
        let name = key.name
        return try await committer.submit { db in
            guard let current = try Rows.current(db, resource: storageKey, namespace: namespace, name: name) else {
                throw APIError.notFound(resource, name)
            }
            if let uid = preconditions.uid, uid != current.uid {
                throw APIError.conflict(resource, name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(current.uid)")
            }
            if let version = preconditions.resourceVersion, version != String(current.revision) {
                throw APIError.conflict(resource, name, "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(current.revision)")
            }
            let previous = try self.stored(T.self, current, namespace: namespace, name: name)
            var stored = previous
            if stored.metadata.isBeingDeleted { return (DeleteOutcome.pending(stored), []) }
            if !(stored.metadata.finalizers ?? []).isEmpty {
                var next = stored
                next.metadata.deletionTimestamp = .now()
                next.metadata.deletionGracePeriodSeconds = 0
                next.metadata.generation = (stored.metadata.generation ?? 1) + 1
                let data = try Self.encodeForStorage(next)
                let revision = try Rows.appendChange(db, resource: storageKey, namespace: namespace, name: name, type: .modified, data: data, previousRevision: current.revision)
                try Rows.updateObject(db, resource: storageKey, namespace: namespace, name: name, revision: revision, data: data)
                next.metadata.resourceVersion = String(revision)
                return (DeleteOutcome.pending(next), [ChangeRecord(revision: revision, resource: storageKey, namespace: namespace, name: name,
                                                                   type: .modified, data: data, previous: current.data, previousRevision: current.revision,
                                                                   object: Self.verified(next, data), previousObject: previous)])
            }
            let revision = try Rows.appendChange(db, resource: storageKey, namespace: namespace, name: name, type: .deleted, data: current.data, previousRevision: current.revision)
            try Rows.deleteObject(db, resource: storageKey, namespace: namespace, name: name)
            stored.metadata.resourceVersion = String(revision)
            return (DeleteOutcome.deleted(stored), [ChangeRecord(revision: revision, resource: storageKey, namespace: namespace, name: name,
                                                                 type: .deleted, data: current.data, previous: current.data, previousRevision: current.revision,
                                                                 object: stored, previousObject: previous)])
        }
    }

    /// The stored object of `row`: the object cache's copy when it holds that revision (typically the one the
    /// last write left there), else decoded.
    func stored<T: APIObject>(_ type: T.Type, _ row: Rows.Current, namespace: String, name: String) throws -> T {
        if let cached = objectCache.object(T.self, resource: T.resource.storageKey, namespace: namespace, name: name, revision: row.revision) {
            return cached
        }
        return try Self.decode(T.self, row.data, revision: row.revision)
    }

    /// `object` (whose `resourceVersion` is already its new revision), handed to watchers and the object cache in
    /// place of decoding `data`. Debug builds check that decoding `data` gives exactly `object`, so a lossy
    /// encoding shows up in the tests rather than as a cache that disagrees with the database.
    static func verified<T: APIObject>(_ object: T, _ data: Data) -> T {
        #if DEBUG
        let decoded = try? decode(T.self, data, revision: Int64(object.metadata.resourceVersion ?? "") ?? 0)
        assert(decoded == object, "\(T.resource.kind) \(object.key) does not survive encoding: the cached copy would differ from the stored one")
        #endif
        return object
    }

    /// A new object uid: a lower-cased RFC 9562 version-7 UUID (48-bit Unix milliseconds, then random bits).
    /// Time-ordered uids keep inserts into the `uid` UNIQUE index at its end, so a batch of creates dirties a
    /// few index pages instead of one random page per object (less WAL written per commit).
    static func newUID() -> String {
        // Two 64-bit draws (each a getrandom call on Linux) rather than one per byte.
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = generator.next()
        let low: UInt64 = generator.next()
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: high >> (8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (8 * $0)) }
        let milliseconds = UInt64(StoreQueries.nowMilliseconds())
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (8 * (5 - index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        let uuid = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }

    /// Five random characters from [a-z0-9], as Kubernetes appends to `generateName`.
    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var generator = SystemRandomNumberGenerator()
        var bits: UInt64 = generator.next()
        var suffix = ""
        for _ in 0..<5 {
            suffix.append(alphabet[Int(bits % UInt64(alphabet.count))])
            bits /= UInt64(alphabet.count)
        }
        return suffix
    }
}
