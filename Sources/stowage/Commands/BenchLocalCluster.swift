import Foundation
import StowageClient
import StowageStore

/// The in-process cluster of the benchmarks that run the controllers without a server: a real store in a
/// directory of its own.
enum BenchLocalCluster {
    /// Opens a fresh store in `directory` (removing what an earlier run left there) and a bootstrapped cluster on it.
    static func open(_ directory: String) async throws -> (store: Store, cluster: LocalCluster) {
        try? FileManager.default.removeItem(atPath: directory)
        let store = try Store.open(directory: directory)
        let cluster = LocalCluster(store: store)
        try await cluster.bootstrap()
        return (store, cluster)
    }
}
