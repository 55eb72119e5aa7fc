import Synchronization

/// A child's exit status, handed from whatever learns it (a reaper thread, Foundation's termination handler) to
/// every waiter, whenever each comes. A wait is not cut short by cancellation (an `AsyncStream` iteration would be).
public final class ExitStatus: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [CheckedContinuation<Int32, Never>])>((nil, []))

    public init() {}

    /// Records the status and wakes every waiter.
    public func finished(_ status: Int32) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int32, Never>] in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    /// Whether the child has exited (its status is known).
    public var hasExited: Bool { state.withLock { $0.status != nil } }

    /// The status if the child has exited, else nil.
    public var status: Int32? { state.withLock { $0.status } }

    /// The status, once the child has exited.
    public func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
