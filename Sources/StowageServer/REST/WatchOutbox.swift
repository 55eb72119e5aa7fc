import Synchronization

/// The queue between a watch's producers (the store's events, the bookmark ticker, the timeout, the connection
/// and shutdown signals) and the one task writing the response.
///
/// Producers push without waiting, from any thread. The writer takes everything queued at once, so a burst of
/// events becomes one wake-up and one write instead of one of each per event (kine PR #238: one HTTP write per
/// watch event does not keep up under load). A push may carry a weight (the events in a batch) and a limit, so a
/// writer that falls too far behind is noticed: the push is refused and the watch ends.
final class WatchOutbox<Element: Sendable>: Sendable {
    private struct State {
        var queued: [Element] = []
        var queuedWeight = 0
        var waiter: CheckedContinuation<[Element]?, Never>?
        var finished = false
    }

    private let state = Mutex(State())

    /// Queues `element`, or hands it to a waiting ``take()``. Ignored once the outbox is finished.
    func push(_ element: Element) {
        _ = push(element, weight: 0, limit: .max)
    }

    /// Queues `element` counting `weight` toward `limit`, or hands it to a waiting ``take()``; false, with
    /// nothing queued, when the weight queued would exceed `limit`. True (and ignored) once finished.
    func push(_ element: Element, weight: Int, limit: Int) -> Bool {
        var refused = false
        let waiter = state.withLock { state -> CheckedContinuation<[Element]?, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                // A waiter only waits on an empty queue, so the element is the whole batch.
                state.waiter = nil
                return waiter
            }
            guard state.queuedWeight + weight <= limit else {
                refused = true
                return nil
            }
            state.queued.append(element)
            state.queuedWeight += weight
            return nil
        }
        waiter?.resume(returning: [element])
        return !refused
    }

    /// Ends the outbox: what is queued is dropped, a waiting ``take()`` and every later one return nil, and
    /// pushes are ignored. Safe to call more than once, from any thread.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<[Element]?, Never>? in
            state.finished = true
            state.queued = []
            state.queuedWeight = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything queued, in push order, waiting for at least one element; nil once finished. Cancelling the
    /// calling task finishes the outbox. One caller at a time.
    func take() async -> [Element]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Element]?, Never>) in
                let ready = state.withLock { state -> [Element]?? in
                    if state.finished { return .some(nil) }
                    if !state.queued.isEmpty {
                        defer {
                            state.queued = []
                            state.queuedWeight = 0
                        }
                        return .some(state.queued)
                    }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }
}
