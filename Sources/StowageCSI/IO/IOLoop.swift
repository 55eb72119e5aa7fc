#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// What an `IOLoop` reports to its owner. Every method is called on the loop's own thread, one at a time.
protocol IOLoopHandler: AnyObject, Sendable {
    /// One complete line without its `\n` (and without a trailing `\r`). Empty lines are not reported.
    func ioLoop(_ loop: IOLoop, didReadLine line: UnsafeRawBufferPointer)
    /// A line grew past the limit; its bytes up to the next `\n` are discarded.
    func ioLoopDidReadOversizedLine(_ loop: IOLoop)
    /// The peer closed its sending side. The loop keeps running (to write answers) until `close()`.
    func ioLoopDidReachEndOfInput(_ loop: IOLoop)
    /// Called once per loop turn, after jobs ran; returns the longest the loop may sleep in ms (-1 = forever).
    func ioLoopTurn(_ loop: IOLoop) -> Int32
    /// Whether to stop reading for now (backpressure). Re-evaluated every turn; call `wake()` when it changes.
    func ioLoopShouldPauseReading(_ loop: IOLoop) -> Bool
    /// The loop stopped and closed the socket; `error` is the socket error that stopped it, if any.
    func ioLoopDidClose(_ loop: IOLoop, error: (any Error)?)
}

/// One connected socket served by one dedicated thread: `poll(2)` on the socket and an `eventfd`, line
/// framing, batched writes, and a `TaskExecutor` that runs Swift jobs on the same thread.
///
/// Threading: blocking I/O happens only on the loop thread, never on Swift's cooperative pool. `write(_:)`,
/// `close()` and `enqueue(_:)` may be called from any thread. Writes from the loop thread are batched and
/// flushed before it sleeps; writes from other threads are sent at once without blocking, and what does not
/// fit is left to the loop. Jobs enqueued after the loop ended go to the global executor.
final class IOLoop: TaskExecutor, @unchecked Sendable {
    private struct Shared {
        var jobs: [UnownedJob] = []
        var out: [UInt8] = []
        var sleeping = false
        var closeRequested = false
        var closeWhenFlushed = false
        var closed = false
    }

    let fd: Int32
    let maxLineBytes: Int
    let name: String
    /// A self-pipe: `wakeFD` is polled, `wakeWriteFD` is written to wake the loop.
    private let wakeFD: Int32
    private let wakeWriteFD: Int32
    private let shared = Mutex(Shared())
    private let loopThreadID = Atomic<UInt>(0)
    private var handler: (any IOLoopHandler)?
    // Loop-thread state.
    private var input: [UInt8] = []
    private var scanFrom = 0
    private var discarding = false
    private var endOfInput = false
    private var bufferedLines = false

    /// Takes ownership of `fd` (closed when the loop ends).
    init(fd: Int32, maxLineBytes: Int, name: String, handler: any IOLoopHandler) throws {
        var pair: [Int32] = [-1, -1]
        if pipe(&pair) != 0 { throw SocketError(call: "pipe", errno: errno) }
        for end in pair {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        self.fd = fd
        self.wakeFD = pair[0]
        self.wakeWriteFD = pair[1]
        self.maxLineBytes = maxLineBytes
        self.name = name
        self.handler = handler
    }

    /// Starts the loop thread. Call once.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Whether the caller runs on this loop's thread.
    var isOnLoopThread: Bool { loopThreadID.load(ordering: .relaxed) == UInt(pthread_self()) }

    /// Queues `bytes` for sending; keeps the order of calls. Never blocks. Ignored after the loop closed.
    func write(_ bytes: [UInt8]) {
        let onLoop = isOnLoopThread
        shared.withLock { state in
            if state.closed || state.closeRequested && !onLoop { return }
            if onLoop || !state.out.isEmpty {
                state.out.append(contentsOf: bytes)
            } else {
                let sent = (try? bytes.withUnsafeBytes { try UnixSocket.sendNonBlocking(fd, $0) }) ?? 0
                if sent < bytes.count { state.out.append(contentsOf: bytes[sent...]) }
            }
            if !onLoop && !state.out.isEmpty { wakeLocked(&state) }
        }
    }

    /// Wakes the loop so that it runs `ioLoopTurn` again (for example after a new, earlier deadline).
    func wake() {
        shared.withLock { wakeLocked(&$0) }
    }

    /// Asks the loop to stop once everything written so far has been sent (or sending failed).
    func closeWhenFlushed() {
        shared.withLock { state in
            state.closeWhenFlushed = true
            wakeLocked(&state)
        }
    }

    /// Asks the loop to stop: pending output is dropped, the socket closed, `ioLoopDidClose` called.
    func close() {
        shared.withLock { state in
            state.closeRequested = true
            wakeLocked(&state)
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let accepted = shared.withLock { state -> Bool in
            if state.closed { return false }
            state.jobs.append(unowned)
            if state.sleeping { wakeLocked(&state) }
            return true
        }
        if !accepted { globalConcurrentExecutor.enqueue(ExecutorJob(unowned)) }
    }

    private func wakeLocked(_ state: inout Shared) {
        guard !state.closed else { return }
        state.sleeping = false
        var one: UInt8 = 1
        _ = Glibc.write(wakeWriteFD, &one, 1)
    }

    private func run() {
        loopThreadID.store(UInt(pthread_self()), ordering: .relaxed)
        var failure: (any Error)?
        var scratch = [UInt8](repeating: 0, count: 65536)
        loop: while true {
            let jobs = shared.withLock { state -> [UnownedJob] in
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            for job in jobs { job.runSynchronously(on: asUnownedTaskExecutor()) }
            let sleepLimit = handler?.ioLoopTurn(self) ?? -1
            var wantOut = false
            var paused = handler?.ioLoopShouldPauseReading(self) ?? false
            if !paused && bufferedLines {
                processLines()
                paused = handler?.ioLoopShouldPauseReading(self) ?? false
            }
            var stop = false
            var pendingJobs = false
            do {
                try shared.withLock { state in
                    if state.closeRequested { stop = true; return }
                    if !state.out.isEmpty {
                        let sent = try state.out.withUnsafeBytes { try UnixSocket.sendNonBlocking(fd, $0) }
                        state.out.removeFirst(sent)
                        wantOut = !state.out.isEmpty
                    }
                    // Backpressure: a peer that does not read its answers stops being read.
                    if state.out.count > Self.maxBufferedOutput { paused = true }
                    if state.closeWhenFlushed && state.out.isEmpty && state.jobs.isEmpty { stop = true; return }
                    pendingJobs = !state.jobs.isEmpty
                    state.sleeping = !pendingJobs
                }
            } catch {
                failure = error
                break loop
            }
            if stop { break }
            var fds = [
                pollfd(fd: (endOfInput || paused) && !wantOut ? -1 : fd,
                       events: Int16(endOfInput || paused ? 0 : POLLIN) | Int16(wantOut ? POLLOUT : 0), revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
            ]
            let rc = waitForEvents(&fds, timeout: pendingJobs ? 0 : sleepLimit)
            shared.withLock { $0.sleeping = false }
            if rc < 0 {
                if errno == EINTR { continue }
                failure = SocketError(call: "poll", errno: errno)
                break
            }
            if fds[1].revents != 0 {
                var drain = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
                _ = read(wakeFD, &drain, 32)
            }
            let revents = Int32(fds[0].revents)
            if revents & Int32(POLLIN | POLLHUP | POLLERR) != 0 && !endOfInput && !paused {
                let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    scratch.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                } else if n == 0 {
                    endOfInput = true
                    handler?.ioLoopDidReachEndOfInput(self)
                } else if errno != EINTR && errno != EAGAIN {
                    let code = errno
                    if code != ECONNRESET { failure = SocketError(call: "recv", errno: code) }
                    break
                }
            } else if revents & Int32(POLLERR | POLLNVAL) != 0 || (endOfInput && revents & Int32(POLLHUP) != 0 && wantOut) {
                break
            }
        }
        finish(failure)
    }

    /// Microseconds a loop keeps polling without sleeping after activity. Waking a sleeping thread on another
    /// core costs tens of microseconds on virtual machines; a short spin after each burst avoids most of it.
    /// 0 disables spinning. Read on every wait (see `DriverIOTuning`).
    static let spinMicroseconds = Atomic<Int>(50)

    /// Unsent output above which the loop stops reading from its peer.
    static let maxBufferedOutput = 16 << 20

    private var lastActivity = ContinuousClock.now

    private func waitForEvents(_ fds: inout [pollfd], timeout: Int32) -> Int32 {
        let spin = Self.spinMicroseconds.load(ordering: .relaxed)
        if timeout != 0 && spin > 0 {
            let end = lastActivity.advanced(by: .microseconds(spin))
            while ContinuousClock.now < end {
                let rc = poll(&fds, 2, 0)
                if rc != 0 {
                    lastActivity = ContinuousClock.now
                    return rc
                }
                sched_yield()
            }
        }
        let rc = poll(&fds, 2, timeout)
        if rc > 0 { lastActivity = ContinuousClock.now }
        return rc
    }

    private func consume(_ bytes: UnsafeRawBufferPointer) {
        input.append(contentsOf: bytes)
        processLines()
    }

    /// Hands complete lines to the handler, stopping early when it asks to pause reading (the rest stays
    /// buffered and `bufferedLines` is set). Then enforces the line limit on the incomplete tail.
    private func processLines() {
        var lineStart = 0
        var index = scanFrom
        var pausedEarly = false
        input.withUnsafeBytes { buffer in
            guard index < buffer.count else { return }
            while let newline = memchr(buffer.baseAddress! + index, 0x0A, buffer.count - index) {
                if !discarding, handler?.ioLoopShouldPauseReading(self) == true {
                    pausedEarly = true
                    break
                }
                let end = buffer.baseAddress!.distance(to: UnsafeRawPointer(newline))
                if discarding {
                    discarding = false
                } else {
                    var lineEnd = end
                    if lineEnd > lineStart && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    if lineEnd - lineStart > maxLineBytes {
                        handler?.ioLoopDidReadOversizedLine(self)
                    } else if lineEnd > lineStart {
                        handler?.ioLoop(self, didReadLine: UnsafeRawBufferPointer(rebasing: buffer[lineStart..<lineEnd]))
                    }
                }
                lineStart = end + 1
                index = lineStart
                if index >= buffer.count { break }
            }
        }
        if lineStart > 0 { input.removeFirst(lineStart) }
        bufferedLines = pausedEarly
        if pausedEarly {
            scanFrom = 0
            return
        }
        scanFrom = input.count
        if input.count > maxLineBytes || (discarding && !input.isEmpty) {
            if !discarding { handler?.ioLoopDidReadOversizedLine(self) }
            discarding = true
            input.removeAll(keepingCapacity: false)
            scanFrom = 0
        }
    }

    private func finish(_ failure: (any Error)?) {
        let leftovers = shared.withLock { state -> [UnownedJob] in
            state.closed = true
            state.out = []
            Glibc.close(wakeFD)
            Glibc.close(wakeWriteFD)
            Glibc.close(fd)
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in leftovers { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
        let owner = handler
        handler = nil
        owner?.ioLoopDidClose(self, error: failure)
    }
}

/// Process-wide tuning of the driver protocol's I/O threads.
public enum DriverIOTuning {
    /// How long (µs) an I/O thread keeps polling, yielding the CPU between polls, after traffic before it
    /// sleeps in `poll(2)`. Default 50; 0 never spins.
    ///
    /// On virtual machines waking a sleeping thread on another core costs tens of microseconds; spinning
    /// briefly after each burst trades at most this much CPU time per burst for round trips 2-3 times faster
    /// under load (see `stowage bench driver`). Takes effect at each loop's next wait; safe from any thread.
    public static var busyPollMicroseconds: Int {
        get { IOLoop.spinMicroseconds.load(ordering: .relaxed) }
        set { IOLoop.spinMicroseconds.store(max(0, newValue), ordering: .relaxed) }
    }
}
