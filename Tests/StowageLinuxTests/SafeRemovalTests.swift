import Foundation
import Testing
@testable import StowageLinux

@Suite(.serialized) struct SafeRemovalTests {
    @Test func removesATreeButNotWhatItsSymlinksPointAt() throws {
        let directory = try LinuxTestSupport.scratchDirectory("remove")
        defer { LinuxTestSupport.cleanUp(directory) }
        let outside = "\(directory)/outside", volume = "\(directory)/volume"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(outside)/sentinel"))
        try FileManager.default.createDirectory(atPath: "\(volume)/a/b/c", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(volume)/a/b/c/file"))
        try FileManager.default.createSymbolicLink(atPath: "\(volume)/link-to-dir", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: "\(volume)/a/link-to-file", withDestinationPath: "\(outside)/sentinel")
        try FileManager.default.createSymbolicLink(atPath: "\(volume)/a/b/dangling", withDestinationPath: "/nonexistent")
        // A name that is not UTF-8 must not stop the removal.
        let odd: [CChar] = Array("\(volume)/a/odd-".utf8CString.dropLast()) + [CChar(bitPattern: 0xff), 0]
        let fd = open(odd, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        close(fd)

        try SafeRemoval.remove("volume", in: directory)
        #expect(!FileManager.default.fileExists(atPath: volume))
        #expect(try String(contentsOfFile: "\(outside)/sentinel", encoding: .utf8) == "keep")
        try SafeRemoval.remove("volume", in: directory)  // missing is fine
    }

    @Test func refusesUnsafeNames() {
        #expect { try SafeRemoval.remove("..", in: "/tmp") } throws: { ($0 as? LinuxError)?.errno == EINVAL }
        #expect { try SafeRemoval.remove("a/b", in: "/tmp") } throws: { ($0 as? LinuxError)?.errno == EINVAL }
    }

    @Test(.enabled(if: LinuxTestSupport.isRoot, "mounting a tmpfs needs root"))
    func doesNotCrossIntoANestedMount() throws {
        let directory = try LinuxTestSupport.scratchDirectory("nested")
        defer { LinuxTestSupport.cleanUp(directory) }
        let nested = "\(directory)/volume/inner/mounted"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        try Mount.tmpfs(at: nested, sizeBytes: 1 << 20)
        try Data("inside the mount".utf8).write(to: URL(fileURLWithPath: "\(nested)/precious"))
        #expect { try SafeRemoval.remove("volume", in: directory) } throws: { error in
            (error as? LinuxError)?.errno == EXDEV && "\(error)".contains(nested)
        }
        #expect(FileManager.default.fileExists(atPath: "\(nested)/precious"), "nothing inside the nested mount was removed")
        try Mount.unmount(nested)
        try SafeRemoval.remove("volume", in: directory)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/volume"))
    }
}
