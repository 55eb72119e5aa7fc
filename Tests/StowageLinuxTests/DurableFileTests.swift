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

@Suite struct DurableRecordDirectoryTests {
    struct Record: Codable, Equatable {
        var name: String
        var size: Int
    }

    static func scratch() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test(arguments: [DurableRecordDirectory<Record>.Durability.powerLoss, .processCrash])
    func recordsAreReadBackAfterReopening(durability: DurableRecordDirectory<Record>.Durability) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var records = try DurableRecordDirectory<Record>(directory: directory, key: \.name, fileName: { "\($0).json" }, durability: durability)
        try records.put("a", Record(name: "a", size: 1))
        try records.put("b", Record(name: "b", size: 2))
        try records.put("a", Record(name: "a", size: 3))
        try records.remove("b")
        let reopened = try DurableRecordDirectory<Record>(directory: directory, key: \.name, fileName: { "\($0).json" }, durability: durability)
        #expect(reopened.records == ["a": Record(name: "a", size: 3)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["a.json"], "no temporary file is left behind")
    }

    /// What a power loss can leave of a record written without fsync: its file, empty. Mount records (written so)
    /// drop it; records that must survive power loss treat it as damage and say where.
    @Test func anEmptyRecordIsDroppedOnlyWhereWritesAreNotSynced() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/lost.json", contents: Data())
        #expect {
            _ = try DurableRecordDirectory<Record>(directory: directory, key: \.name, fileName: { "\($0).json" })
        } throws: { error in "\(error)".contains("\(directory)/lost.json") }
        let mounts = try DurableRecordDirectory<Record>(directory: directory, key: \.name, fileName: { "\($0).json" }, durability: .processCrash)
        #expect(mounts.records.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/lost.json"))
    }

    /// A record that has content but does not decode (damage, or a format this build does not know) is never
    /// dropped silently: the records may describe mounts in use.
    @Test func anUndecodableRecordIsAnErrorEvenWhereWritesAreNotSynced() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/other.json", contents: Data(#"{"name":"a"}"#.utf8))
        #expect {
            _ = try DurableRecordDirectory<Record>(directory: directory, key: \.name, fileName: { "\($0).json" }, durability: .processCrash)
        } throws: { error in "\(error)".contains("\(directory)/other.json") }
        #expect(FileManager.default.fileExists(atPath: directory + "/other.json"))
    }
}
