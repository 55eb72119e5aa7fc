/// Mutual exclusion per key for async code: `withLock(key)` runs its body while no other body holds the same key.
/// The node takes it around "record, then stage" and "check the records, then unstage" of one volume, so a pod
/// tearing a volume down cannot unstage it under a pod that is setting it up.
actor KeyedLock<Key: Hashable & Sendable> {
    private var held: Set<Key> = []
    private var waiters: [Key: [CheckedContinuation<Void, Never>]] = [:]

    func withLock<T: Sendable>(_ key: Key, _ body: @Sendable () async throws -> T) async rethrows -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: Key) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    private func release(_ key: Key) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()  // the key stays held, handed to the next waiter
        } else {
            held.remove(key)
        }
    }
}
