import Foundation
import StowageCSI

#if canImport(Glibc)
import Glibc
#endif

/// What the in-test directory driver remembers: volumes by id, where each is staged and published.
struct TestDriverRecords: Codable, Sendable {
    struct Volume: Codable, Sendable {
        var name: String
        var capacityBytes: Int64
        var parameters: [String: String]
    }
    struct Publication: Codable, Sendable, Equatable {
        var stagingTargetPath: String
        var readonly: Bool
        var mode: String
    }
    var volumes: [String: Volume] = [:]
    var staged: [String: String] = [:]
    var published: [String: [String: Publication]] = [:]
}

/// The records plus where they live: in a JSON file beside the volumes (written with fsync + rename), or in
/// memory only (a deliberately broken variant).
actor TestDriverState {
    let root: String
    let persistent: Bool
    var records: TestDriverRecords

    init(root: String, persistent: Bool) {
        self.root = root
        self.persistent = persistent
        let file = "\(root)/state.json"
        if persistent, let data = FileManager.default.contents(atPath: file),
           let loaded = try? JSONDecoder().decode(TestDriverRecords.self, from: data) {
            records = loaded
        } else {
            records = TestDriverRecords()
        }
    }

    func volumeDirectory(_ id: String) -> String { "\(root)/volumes/\(id)" }

    func save() throws {
        guard persistent else { return }
        let data = try JSONEncoder().encode(records)
        let temporary = "\(root)/state.json.tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CSIError.internal("cannot write \(temporary)")
        }
        let fd = open(temporary, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        guard rename(temporary, "\(root)/state.json") == 0 else {
            throw CSIError.internal("rename \(temporary): \(String(cString: strerror(errno)))")
        }
    }

    func update<T: Sendable>(_ change: (inout TestDriverRecords) throws -> T) throws -> T {
        let result = try change(&records)
        try save()
        return result
    }
}

/// Bind mounts through libc for the in-test driver (the tests that use it run as root).
enum TestMounts {
    static func bind(_ source: String, _ target: String, readOnly: Bool) throws {
        guard mount(source, target, nil, UInt(MS_BIND), nil) == 0 else {
            throw CSIError.internal("mount \(source) on \(target): \(String(cString: strerror(errno)))")
        }
        if readOnly, mount("none", target, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY), nil) != 0 {
            let reason = String(cString: strerror(errno))
            umount2(target, 0)
            throw CSIError.internal("remount \(target) read-only: \(reason)")
        }
    }

    static func unmount(_ target: String) throws {
        if umount2(target, 0) != 0, errno != EINVAL, errno != ENOENT {
            throw CSIError.internal("umount \(target): \(String(cString: strerror(errno)))")
        }
    }

    static func isMounted(_ path: String) -> Bool {
        let text = (FileHandle(forReadingAtPath: "/proc/self/mountinfo").map { String(decoding: $0.readDataToEndOfFile(), as: UTF8.self) } ?? "")
        return text.split(separator: "\n").contains { $0.split(separator: " ").dropFirst(4).first.map(String.init) == path }
    }
}
