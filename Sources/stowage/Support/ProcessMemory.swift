import Foundation
import StowageBench

/// This process's resident memory, now and at its peak, from `/proc/self/status`.
enum ProcessMemory {
    /// VmRSS, in MiB.
    static func residentMiB() -> Double { statusMiB("VmRSS") }

    /// The peak since the last ``resetPeak()`` (VmHWM), in MiB.
    static func peakMiB() -> Double { statusMiB("VmHWM") }

    /// Starts a new peak from the current resident memory (`echo 5 > /proc/self/clear_refs`).
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func statusMiB(_ field: String) -> Double {
        Double(APIBenchmarks.statusKilobytes(pid: getpid())[field] ?? 0) / 1024
    }
}
