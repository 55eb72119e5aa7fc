import StowageLinux
import Testing

@Suite("ExitStatus")
struct ExitStatusTests {
    /// The pod worker waits for a container's exit from two places (its supervision loop and its stop): both must
    /// be told. (With one waiter slot, the second wait silently replaced the first, and a pod's teardown hung.)
    @Test(.timeLimit(.minutes(1))) func everyWaiterIsToldTheStatusWhenEverItWaits() async {
        let exit = ExitStatus()
        async let first = exit.wait()
        async let second = exit.wait()
        try? await Task.sleep(for: .milliseconds(50))  // both are waiting (the race itself needs no sleep to be right)
        exit.finished(137)
        let statuses = await [first, second]
        #expect(statuses == [137, 137])
        #expect(await exit.wait() == 137, "a wait after the exit returns at once")
    }
}
