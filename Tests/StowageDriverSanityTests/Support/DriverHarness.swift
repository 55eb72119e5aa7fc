import Foundation
import StowageCSI
import StowageDriverSanity
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs the in-test directory driver on a socket in a fresh temp directory, restarts it on demand (with its
/// state reloaded from disk, or lost when memory-only), and removes every mount and file at the end.
final class DriverHarness: Sendable {
    let directory: String
    let breakage: Breakage
    let persistent: Bool
    private let server: Mutex<DriverServer?> = Mutex(nil)

    var endpoint: String { "unix://\(directory)/driver.sock" }

    init(breakage: Breakage = [], persistent: Bool = true) throws {
        directory = "/tmp/stowage-sanity-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        self.breakage = breakage
        self.persistent = persistent
        try FileManager.default.createDirectory(atPath: "\(directory)/driver/volumes", withIntermediateDirectories: true)
        try start()
    }

    private func start() throws {
        let driver = TestDirectoryDriver(state: TestDriverState(root: "\(directory)/driver", persistent: persistent),
                                         breakage: breakage)
        let started = try DriverServer(driver: driver, endpoint: endpoint)
        try started.start()
        server.withLock { $0 = started }
    }

    /// Stops the server and starts a new driver instance on the same socket.
    func restart() async throws {
        if let running = server.withLock({ $0 }) { await running.shutdown(deadline: .seconds(5)) }
        try start()
    }

    /// A suite configuration for this driver, with restarts handled in process.
    func configuration() -> SanityConfiguration {
        var configuration = SanityConfiguration(endpoint: endpoint)
        configuration.stagingDir = "\(directory)/staging"
        configuration.targetDir = "\(directory)/targets"
        configuration.restartHandler = { [self] in try await restart() }
        configuration.callTimeout = .seconds(20)
        return configuration
    }

    /// Stops the driver, unmounts everything under the directory, and removes it.
    func tearDown() async {
        if let running = server.withLock({ $0 }) { await running.shutdown(deadline: .seconds(5)) }
        TestCleanup.removeTree(directory)
    }
}

/// Unmounting and removal for tests: nothing may stay mounted under a temp directory a test created.
enum TestCleanup {
    static func mountPoints(under directory: String) -> [String] {
        let text = (FileHandle(forReadingAtPath: "/proc/self/mountinfo").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? "")
        return text.split(separator: "\n").compactMap { line -> String? in
            guard let point = line.split(separator: " ").dropFirst(4).first.map(String.init) else { return nil }
            return point == directory || point.hasPrefix(directory + "/") ? point : nil
        }
    }

    static func removeTree(_ directory: String) {
        for _ in 0..<8 {
            let points = mountPoints(under: directory)
            if points.isEmpty { break }
            for point in points.sorted(by: { $0.count > $1.count }) { umount2(point, Int32(MNT_DETACH)) }
        }
        if mountPoints(under: directory).isEmpty { try? FileManager.default.removeItem(atPath: directory) }
    }

    static var isRoot: Bool { geteuid() == 0 }
}
