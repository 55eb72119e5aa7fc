import StowageCSI
import StowageLinux

extension LoopDriver {
    /// `--release-timeout SECONDS` (0 to 3600, fractions allowed), 10 s when not given.
    /// - Throws: `DriverCommandLine.UsageError` naming the value.
    static func releaseTimeout(_ line: DriverCommandLine) throws -> Duration {
        guard let text = line.options["release-timeout"] else { return .seconds(10) }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 3600 else {
            throw DriverCommandLine.UsageError("--release-timeout \"\(text)\" is not a number of seconds from 0 to 3600")
        }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// Detaches the volume's loop devices and waits until the kernel has let each one go.
    ///
    /// A device still in use elsewhere — its filesystem mounted in another mount namespace (a container that was
    /// starting as the volume was unmounted holds a copy of every mount), or the node open in another process — is
    /// only marked to detach on its last close, and until then the filesystem's last writes may not have reached
    /// the backing file: a snapshot, clone or copy taken then would miss them. So unstaging returns only once the
    /// device is gone, and after `releaseTimeout` fails naming who still holds it (a retry picks up from there).
    func detachAndAwaitRelease(_ id: String) async throws {
        let image = store.image(id)
        for device in try LoopDevice.find(backingFile: image) { try device.detach() }
        let deadline = ContinuousClock.now + releaseTimeout
        var pause = Duration.milliseconds(1)
        while true {
            let held = try LoopDevice.find(backingFile: image)
            if held.isEmpty { return }
            guard ContinuousClock.now < deadline else {
                let holders = held.flatMap { $0.holders() }
                throw CSIError.failedPrecondition("volume \(id) was unmounted, but "
                    + held.map(\.path).joined(separator: ", ") + " stayed in use for \(releaseTimeout)"
                    + (holders.isEmpty ? "" : " (" + holders.joined(separator: "; ") + ")")
                    + "; its data reaches the backing file only when that ends — unstage again then")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(50))
        }
    }
}
