import Logging
import StowageAPI
import StowageClient

/// What a reconcile asks of its queue.
public enum ReconcileResult: Sendable, Equatable {
    /// Converged; the key is processed again only when something about it changes.
    case done
    /// Look again after this long (waiting on something no watch reports, such as a driver appearing).
    case again(after: Duration)
}

/// One concern of the control loop, level-triggered and keyed (controller-runtime's shape): `reconcile` reads the
/// current state for `key`, converges it, and returns. "Not found" means clean up; a conflict (409) is thrown,
/// not retried in place, so the queue backs off and the next read is fresh.
public protocol Reconciler: Sendable {
    associatedtype Key: Hashable & Sendable & CustomStringConvertible
    /// The controller's name as `--controllers` spells it (`binder`, `provisioner`, …).
    var name: String { get }
    /// Converges the world for `key`.
    func reconcile(_ key: Key) async throws -> ReconcileResult
}

/// Runs a ``Reconciler`` over a ``WorkQueue``: `workers` tasks take keys, reconcile, and requeue failures with
/// per-key backoff. A key is never reconciled by two workers at once (the queue's guarantee).
public final class ReconcileLoop<R: Reconciler>: Sendable {
    /// The queue handlers add keys to.
    public let queue: WorkQueue<R.Key>
    private let reconciler: R
    private let workers: Int
    private let logger: Logger

    /// - Parameters:
    ///   - workers: concurrent reconciles (of different keys).
    ///   - backoff: delay after each consecutive failure of a key.
    public init(_ reconciler: R, workers: Int, backoff: Backoff = Backoff(base: .milliseconds(5), maximum: .seconds(300)),
                logger: Logger) {
        self.reconciler = reconciler
        self.workers = max(1, workers)
        self.queue = WorkQueue(backoff: backoff)
        var logger = logger
        logger[metadataKey: "controller"] = "\(reconciler.name)"
        self.logger = logger
    }

    /// Adds a key (from an informer handler; never suspends or blocks the caller).
    public func enqueue(_ key: R.Key) {
        queue.add(key)
    }

    /// Reconciles keys until the task is cancelled, then shuts the queue down.
    public func run() async {
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<workers {
                    group.addTask { await self.work() }
                }
            }
        } onCancel: {
            Task { await self.queue.shutDown() }
        }
    }

    private func work() async {
        while let key = await queue.next() {
            do {
                switch try await reconciler.reconcile(key) {
                case .done:
                    queue.forget(key)
                case .again(let delay):
                    queue.forget(key)
                    queue.addAfter(key, delay: delay)
                }
            } catch let error as APIError where error.reason == .conflict || error.reason == .notFound {
                logger.debug("reconcile raced another writer; retrying", metadata: ["key": "\(key)", "error": "\(error.message)"])
                queue.addRateLimited(key)
            } catch is CancellationError {
                queue.done(key)
                return
            } catch where Task.isCancelled {
                queue.done(key)
                return
            } catch {
                logger.warning("reconcile failed; retrying with backoff", metadata: ["key": "\(key)", "error": "\(error)"])
                queue.addRateLimited(key)
            }
            queue.done(key)
        }
    }
}
