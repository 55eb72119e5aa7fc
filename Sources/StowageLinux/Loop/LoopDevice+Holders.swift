#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension LoopDevice {
    /// Who keeps this device in use, read from `/proc`, for error messages: each mount namespace that has a
    /// filesystem of the device mounted (named by one of its processes) and each process with the device node
    /// open. Best effort: processes that exit or that cannot be read while looking are left out.
    public func holders() -> [String] {
        guard let number = try? String(contentsOfFile: "/sys/block/loop\(self.number)/dev", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines) else { return [] }
        let ownNamespace = Self.link("/proc/self/ns/mnt")
        var namespacesSeen: Set<String> = []
        var found: [String] = []
        for pid in Self.processIDs() {
            let process = "pid \(pid) (\(Self.command(pid)))"
            if let namespace = Self.link("/proc/\(pid)/ns/mnt"), namespacesSeen.insert(namespace).inserted,
               let text = try? String(contentsOfFile: "/proc/\(pid)/mountinfo", encoding: .utf8) {
                let points = MountInfo.parse(text).filter { $0.device == number }.map(\.mountPoint)
                if let point = points.first {
                    let whose = namespace == ownNamespace ? "this mount namespace" : "the mount namespace of \(process)"
                    found.append("mounted at \(point) in \(whose)")
                }
            }
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            if descriptors.contains(where: { Self.link("/proc/\(pid)/fd/\($0)") == path }) {
                found.append("open in \(process)")
            }
        }
        return found
    }

    private static func processIDs() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.sorted()
    }

    private static func command(_ pid: Int32) -> String {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
    }

    private static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
