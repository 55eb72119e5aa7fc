import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Files the suite writes and reads inside published volumes. Opened close-on-exec: a process started meanwhile
/// (a driver restarted by the suite, or anything else in the same program) must not inherit the descriptor and
/// keep the volume busy, or the next unpublish fails with EBUSY.
enum VolumeFiles {
    /// Writes `text` to `path` (created or truncated).
    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw CheckFailure("cannot create \(path) in the published target: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CheckFailure("cannot write \(path) in the published target: \(String(cString: strerror(errno)))")
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The contents of `path`, or nil when it cannot be read.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? String(decoding: contents, as: UTF8.self) : nil }
            contents.append(contentsOf: buffer[0..<count])
        }
    }
}
