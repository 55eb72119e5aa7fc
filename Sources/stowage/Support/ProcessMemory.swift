import Foundation

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
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
        return (Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) / 1024
    }
}
