#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import StowageLinux

/// Whether the real loop-device and filesystem tests can run: root, /dev/loop-control, mkfs.ext4.
enum LoopHost {
    static var canRun: Bool { getuid() == 0 && LoopDevice.isAvailable && hasProgram("mkfs.ext4") }
    static let skipReason: Comment = "needs root and /dev/loop-control (loop devices) and mkfs.ext4"

    static func hasProgram(_ name: String) -> Bool {
        ["/usr/sbin", "/sbin", "/usr/bin", "/bin"].contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}

/// A scratch directory removed (with every loop device backed by a file in it) when the test ends.
final class ScratchDirectory {
    let path: String
    init(_ label: String) throws {
        path = "/tmp/stowage-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A sparse file of `bytes` in the directory.
    func sparseFile(_ name: String, bytes: Int64) throws -> String {
        let file = "\(path)/\(name)"
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        precondition(fd >= 0, "cannot create \(file)")
        defer { close(fd) }
        precondition(ftruncate(fd, off_t(bytes)) == 0)
        return file
    }

    deinit {
        for device in LoopDevice.all() where device.backingFile?.hasPrefix(path + "/") == true {
            try? device.detach()
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
