import Foundation
import StowageCSI

/// The driver's settings, from the command line.
struct EmptyDirConfiguration: Sendable {
    /// Where disk volumes go: `<base>/<pod uid>/<volume id>`.
    var baseDirectory: String
    /// Where the driver's records go (`published/`).
    var stateDirectory: String
    /// The node id reported by NodeGetInfo.
    var nodeID: String
    /// tmpfs size for `medium: Memory` without a sizeLimit.
    var defaultMemoryBytes: Int64
    /// First project id this driver hands out (keep apart from hostpath's range on a shared filesystem).
    var projectIDBase: UInt32

    init(_ line: DriverCommandLine) throws {
        stateDirectory = line.stateDirectory
        nodeID = line.nodeID
        baseDirectory = line.options["base-dir"] ?? "\(line.stateDirectory)/volumes/emptydir"
        guard baseDirectory.hasPrefix("/") else {
            throw DriverCommandLine.UsageError("--base-dir \"\(baseDirectory)\" must be an absolute path")
        }
        let memory = line.options["default-memory-size"] ?? "64Mi"
        guard let bytes = parseQuantity(memory), bytes > 0 else {
            throw DriverCommandLine.UsageError("--default-memory-size \"\(memory)\" is not a positive quantity (like 64Mi)")
        }
        defaultMemoryBytes = bytes
        if let text = line.options["project-id-base"] {
            guard let value = UInt32(text), value > 0 else {
                throw DriverCommandLine.UsageError("--project-id-base \"\(text)\" must be a positive 32-bit number")
            }
            projectIDBase = value
        } else {
            projectIDBase = 0x4544_0000  // "ED"
        }
    }
}

/// Bytes of a Kubernetes quantity (`64Mi`, `1G`, `1.5Gi`, `1048576`), or nil when it is not one.
func parseQuantity(_ text: String) -> Int64? {
    let suffixes: [(String, Double)] = [
        ("Ki", 0x1p10), ("Mi", 0x1p20), ("Gi", 0x1p30), ("Ti", 0x1p40), ("Pi", 0x1p50), ("Ei", 0x1p60),
        ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("P", 1e15), ("E", 1e18),
    ]
    var number = Substring(text)
    var factor = 1.0
    for (suffix, value) in suffixes where text.hasSuffix(suffix) {
        number = text.dropLast(suffix.count)
        factor = value
        break
    }
    guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }), let value = Double(number) else { return nil }
    let bytes = (value * factor).rounded(.up)
    guard bytes >= 0, bytes < 9.2e18 else { return nil }
    return Int64(bytes)
}
