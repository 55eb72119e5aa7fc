import Testing
import StowageClient

@Suite("Work queue")
struct WorkQueueTests {
    @Test func aWaitingKeyIsNotAddedTwice() async {
        let queue = WorkQueue<String>()
        queue.add("a")
        queue.add("b")
        queue.add("a")
        #expect(queue.count == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(queue.count == 0)
    }

    @Test func aKeyBeingProcessedIsNotHandedOutAgainUntilDone() async {
        let queue = WorkQueue<String>()
        queue.add("a")
        let first = await queue.next()
        #expect(first == "a")
        queue.add("a")
        queue.add("a")
        #expect(queue.count == 0, "a dirty key waits for done()")
        queue.done("a")
        #expect(queue.count == 1, "re-queued exactly once")
        #expect(await queue.next() == "a")
        queue.done("a")
        #expect(queue.count == 0)
    }

    @Test func twoWorkersNeverHoldTheSameKey() async {
        let queue = WorkQueue<Int>()
        let tracker = Tracker()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    while let key = await queue.next() {
                        await tracker.begin(key)
                        await Task.yield()
                        await tracker.end(key)
                        queue.done(key)
                    }
                }
            }
            for round in 0..<200 { queue.add(round % 5) }
            await queue.shutDown(drain: true)
        }
        #expect(await tracker.overlaps == 0)
        #expect(await tracker.processed > 0)
    }

    @Test func backoffDoublesPerKeyAndForgetResets() async {
        let backoff = Backoff(base: .milliseconds(10), maximum: .milliseconds(70))
        #expect(backoff.delay(afterFailures: 0) == .milliseconds(10))
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(20))
        #expect(backoff.delay(afterFailures: 2) == .milliseconds(40))
        #expect(backoff.delay(afterFailures: 3) == .milliseconds(70))
        #expect(backoff.delay(afterFailures: 1000) == .milliseconds(70))
        let queue = WorkQueue<String>(backoff: Backoff(base: .milliseconds(1), maximum: .milliseconds(4)))
        queue.addRateLimited("a")
        queue.addRateLimited("a")
        #expect(queue.failureCount("a") == 2)
        #expect(await queue.next() == "a", "a rate-limited key arrives after its delay")
        queue.done("a")
        queue.forget("a")
        #expect(queue.failureCount("a") == 0)
    }

    @Test func addAfterDeliversLater() async {
        let queue = WorkQueue<String>()
        let clock = ContinuousClock()
        let start = clock.now
        queue.addAfter("later", delay: .milliseconds(30))
        #expect(queue.count == 0)
        #expect(await queue.next() == "later")
        #expect(clock.now - start >= .milliseconds(30))
    }

    @Test func shutDownWakesWaitingWorkers() async {
        let queue = WorkQueue<String>()
        async let waiting = queue.next()
        await Task.yield()
        await queue.shutDown()
        #expect(await waiting == nil)
        queue.add("ignored")
        #expect(await queue.next() == nil)
    }
}

private actor Tracker {
    var active: Set<Int> = []
    var overlaps = 0
    var processed = 0
    func begin(_ key: Int) {
        if !active.insert(key).inserted { overlaps += 1 }
    }
    func end(_ key: Int) {
        active.remove(key)
        processed += 1
    }
}
