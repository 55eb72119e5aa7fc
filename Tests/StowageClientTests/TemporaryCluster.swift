import Foundation
import StowageAPI
import StowageClient
import StowageStore

/// A real store in a fresh temporary directory with a bootstrapped ``LocalCluster``; `close()` removes it.
struct TemporaryCluster {
    let directory: String
    let cluster: LocalCluster

    static func make(options: StoreOptions = StoreOptions()) async throws -> TemporaryCluster {
        let directory = NSTemporaryDirectory() + "stowage-client-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let cluster = LocalCluster(store: try Store.open(directory: directory, options: options))
        try await cluster.bootstrap()
        return TemporaryCluster(directory: directory, cluster: cluster)
    }

    func close() async {
        await cluster.store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// For `defer`: removes the directory at once (open SQLite files are unlinked, not leaked) and closes the
    /// store in the background.
    func discard() {
        try? FileManager.default.removeItem(atPath: directory)
        let store = cluster.store
        Task { await store.close() }
    }
}

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
