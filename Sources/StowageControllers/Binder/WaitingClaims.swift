import StowageAPI

/// The unbound claims of one class that found no volume, in the order they started waiting, and who to wake when
/// a volume of the class becomes free.
///
/// A freed volume wakes the claim that has waited longest. A woken claim that still finds nothing passes the wake
/// on to the next claim that was already waiting when the volume came (``park(_:)`` returns it), so one freed
/// volume costs about one reconcile when the first claims fit it, and at most one pass over the waiting claims
/// when none does — never a claim that could take it left asleep. (Waking every waiting claim for every freed
/// volume made tens of thousands of fruitless reconciles and event writes while claims outnumbered volumes.)
struct WaitingClaims {
    /// Claims in the order they started waiting, with the wake-up count then; entries before `head` are gone, and an
    /// entry that no longer matches `startedWaiting` is stale (its claim was woken, bound or deleted since).
    private var queue: [(claim: ObjectKey, since: Int)] = []
    private var head = 0
    /// Each waiting claim and the wake-up count when it started waiting.
    private var startedWaiting: [ObjectKey: Int] = [:]
    /// Claims woken and not yet back, and the wake-up they belong to.
    private var woken: [ObjectKey: Int] = [:]
    /// Wake-ups so far (one per freed volume).
    private var wakeUps = 0

    /// Whether no claim is waiting or woken.
    var isEmpty: Bool { startedWaiting.isEmpty && woken.isEmpty }

    /// `claim` found no volume: it waits (keeping its place if it already did). Returns the claim to wake next when
    /// `claim` had been woken: the longest-waiting claim that was already waiting at that wake-up, if any.
    mutating func park(_ claim: ObjectKey) -> ObjectKey? {
        let next = woken.removeValue(forKey: claim).flatMap { passOn(from: $0) }
        if startedWaiting[claim] == nil {
            startedWaiting[claim] = wakeUps
            queue.append((claim, wakeUps))
        }
        return next
    }

    /// A volume became free: the claim to wake (the longest waiting), if any.
    mutating func wakeOne() -> ObjectKey? {
        wakeUps += 1
        return passOn(from: wakeUps)
    }

    /// `claim` bound, or is gone: it neither waits nor holds a wake-up. Returns the claim to wake instead when it
    /// was deleted while holding one (`passingOn`).
    mutating func remove(_ claim: ObjectKey, passingOn: Bool) -> ObjectKey? {
        startedWaiting[claim] = nil
        guard let wakeUp = woken.removeValue(forKey: claim), passingOn else { return nil }
        return passOn(from: wakeUp)
    }

    /// Takes the longest-waiting claim that started waiting before wake-up `wakeUp` and marks it woken by it.
    private mutating func passOn(from wakeUp: Int) -> ObjectKey? {
        while head < queue.count {
            let (claim, since) = queue[head]
            guard startedWaiting[claim] == since else {
                head += 1  // stale: woken, bound or deleted since
                continue
            }
            guard since < wakeUp else { return nil }  // waiting only since this wake-up: it has already looked
            head += 1
            startedWaiting[claim] = nil
            woken[claim] = wakeUp
            compact()
            return claim
        }
        compact()
        return nil
    }

    /// Drops the consumed front of the queue once it is most of it.
    private mutating func compact() {
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }
}
