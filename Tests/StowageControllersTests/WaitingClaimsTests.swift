import StowageAPI
@testable import StowageControllers
import Testing

@Suite("The binder's waiting claims")
struct WaitingClaimsTests {
    static func key(_ name: String) -> ObjectKey { ObjectKey(namespace: "default", name: name) }

    /// One freed volume wakes one claim, the longest waiting.
    @Test func aFreedVolumeWakesTheLongestWaitingClaimOnly() {
        var waiting = WaitingClaims()
        for name in ["a", "b", "c"] { #expect(waiting.park(Self.key(name)) == nil) }
        #expect(waiting.wakeOne() == Self.key("a"))
        #expect(waiting.wakeOne() == Self.key("b"), "a second volume wakes the next")
    }

    /// A woken claim that still finds nothing passes the wake-up on, through every claim that was waiting when the
    /// volume came and no further: none that could take the volume is left asleep, none is asked twice.
    @Test func aWokenClaimThatFindsNothingPassesItOnOncePerWaitingClaim() {
        var waiting = WaitingClaims()
        for name in ["a", "b", "c"] { _ = waiting.park(Self.key(name)) }
        #expect(waiting.wakeOne() == Self.key("a"))
        #expect(waiting.park(Self.key("a")) == Self.key("b"), "a found nothing: b is woken")
        #expect(waiting.park(Self.key("d")) == nil, "a claim that was not woken passes nothing on")
        #expect(waiting.park(Self.key("b")) == Self.key("c"))
        #expect(waiting.park(Self.key("c")) == nil, "a, b and d started waiting after the volume came: the pass ends")
        #expect(waiting.wakeOne() == Self.key("a"), "the next volume starts again from the longest waiting")
    }

    /// A claim deleted while holding a wake-up hands it on; one that bound keeps it (it took a volume).
    @Test func aDeletedClaimHandsItsWakeUpOn() {
        var waiting = WaitingClaims()
        for name in ["a", "b", "c"] { _ = waiting.park(Self.key(name)) }
        #expect(waiting.wakeOne() == Self.key("a"))
        #expect(waiting.remove(Self.key("a"), passingOn: true) == Self.key("b"))
        #expect(waiting.remove(Self.key("b"), passingOn: false) == nil, "b bound")
        #expect(waiting.remove(Self.key("c"), passingOn: true) == nil, "c held no wake-up")
        #expect(waiting.isEmpty)
        #expect(waiting.wakeOne() == nil)
    }
}
