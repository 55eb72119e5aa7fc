import Foundation
import Testing
@testable import StowageLinux

@Suite struct DurableFileTests {
    @Test func replacesContentsAtomicallyAndReadsThemBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durable-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/state.json"
        #expect(try DurableFile.read(path) == nil)
        try DurableFile.write(Data("one".utf8), to: path)
        try DurableFile.write(Data("two".utf8), to: path)
        #expect(try DurableFile.read(path) == Data("two".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["state.json"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try DurableFile.remove(path)
        #expect(try DurableFile.read(path) == nil)
    }

    @Test func errorsNameTheCallAndPath() {
        #expect {
            try DurableFile.write(Data(), to: "/nonexistent-dir-\(UUID().uuidString)/f")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("open(\"/nonexistent-dir-") && text.contains("No such file or directory (errno 2)")
        }
    }
}
