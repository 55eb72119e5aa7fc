import Foundation
import StowageLinux

/// Test setup only: a sparse image attached with `losetup --find --show`, formatted, and mounted; `tearDown()`
/// unmounts, detaches and removes everything, and runs even when the test failed half-way.
final class LoopFilesystem {
    let directory: String
    let mountPoint: String
    private(set) var device: String?

    /// Makes a `sizeMiB` image formatted with `mkfs` and mounted with `options`.
    init(type: String, sizeMiB: Int, mkfsArguments: [String], options: String) throws {
        directory = "/tmp/stowage-driver-test-loop-\(type)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        mountPoint = "\(directory)/mnt"
        do {
            let image = "\(directory)/image"
            let fd = open(image, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0, ftruncate(fd, off_t(sizeMiB) << 20) == 0 else { throw LinuxError.lastError("ftruncate", path: image) }
            close(fd)
            device = try runTool("/usr/sbin/losetup", ["--find", "--show", image])
            try runTool("/usr/sbin/mkfs.\(type)", mkfsArguments + [device!])
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            try Mount.mount(source: device!, target: mountPoint, type: type, data: options)
        } catch {
            tearDown()
            throw error
        }
    }

    func tearDown() {
        let points = ((try? MountInfo.current()) ?? []).map(\.mountPoint).filter { $0.hasPrefix(directory + "/") }
        for point in points.sorted(by: { $0.count > $1.count }) { try? Mount.unmount(point, mode: .detach) }
        try? SafeRemoval.remove(path: directory)
        if let device {
            _ = try? runTool("/usr/sbin/losetup", ["-d", device])
            self.device = nil
        }
    }
}

/// Whether this kernel can mount a filesystem with project quotas at all (some kernels are built without
/// CONFIG_XFS_QUOTA or CONFIG_QFMT_V2; then `mount -o prjquota` fails with EINVAL). Probed once, as root.
enum KernelQuotaSupport {
    static let xfs: Bool = probe(type: "xfs", sizeMiB: 320, mkfsArguments: ["-q", "-f"])
    static let ext4: Bool = probe(type: "ext4", sizeMiB: 16, mkfsArguments: ["-q", "-F", "-O", "quota,project"])

    private static func probe(type: String, sizeMiB: Int, mkfsArguments: [String]) -> Bool {
        guard (geteuid() == 0), let filesystem = try? LoopFilesystem(
            type: type, sizeMiB: sizeMiB, mkfsArguments: mkfsArguments, options: "prjquota") else { return false }
        filesystem.tearDown()
        return true
    }
}

/// Runs a setup tool; throws with its stderr when it fails.
@discardableResult
func runTool(_ program: String, _ arguments: [String]) throws -> String {
    let result = try PipedProcess.run(program, arguments: arguments)
    guard result.status == 0 else {
        throw LinuxError(call: program, path: arguments.joined(separator: " "), detail: String(decoding: result.standardError, as: UTF8.self))
    }
    return String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
