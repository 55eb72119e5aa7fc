import Dispatch
import Foundation
import StowageAPI
import Synchronization

/// Decodes many stored rows on every available core: a cold list of 10,000 objects is nearly all JSON decoding,
/// which is pure CPU work on immutable input, so it splits cleanly. Small batches stay on the calling thread
/// (a worker hand-off costs more than a few hundred decodes save).
///
/// Threading: blocks the calling thread (a database reader's dispatch queue, never the cooperative pool) until
/// every worker finished; workers are GCD threads from `concurrentPerform`.
enum ParallelDecode {
    /// Rows a worker must have before a batch is split.
    static let minimumRowsPerWorker = 1_024
    /// Read once: `activeProcessorCount` reads the affinity mask on every call, which cost more than a cached
    /// single-object get.
    static let processors = ProcessInfo.processInfo.activeProcessorCount

    /// Decodes `rows[index]` for each of `indices`, in that order.
    /// - Throws: the first decoding error (``APIError`` InternalError: stored data is damaged).
    static func decode<T: APIObject>(_ type: T.Type, _ rows: [StoredRow], at indices: [Int]) throws -> [T] {
        let workers = min(processors, indices.count / minimumRowsPerWorker)
        guard workers > 1 else {
            return try indices.map { try Store.decode(T.self, rows[$0].data, revision: rows[$0].revision) }
        }
        var results = [T?](repeating: nil, count: indices.count)
        let failure = Mutex<(any Error)?>(nil)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = indices.count * worker / workers
                let end = indices.count * (worker + 1) / workers
                for position in start..<end {
                    let row = rows[indices[position]]
                    do {
                        output[position] = try Store.decode(T.self, row.data, revision: row.revision)
                    } catch {
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        let decoded = results.compactMap { $0 }
        guard decoded.count == indices.count else {
            throw APIError(.internalError, "parallel decoding lost \(indices.count - decoded.count) of \(indices.count) objects")
        }
        return decoded
    }
}
