#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import StowageLinux

@Suite(.enabled(if: LoopHost.canRun, LoopHost.skipReason), .serialized)
struct LoopDeviceTests {
    @Test func attachIsIdempotentAndFindsTheDeviceByItsBackingFile() throws {
        let scratch = try ScratchDirectory("loop")
        let file = try scratch.sparseFile("a.img", bytes: 8 << 20)
        let device = try LoopDevice.attach(backingFile: file)
        defer { try? device.detach() }
        #expect(try LoopDevice.attach(backingFile: file) == device, "a second attach returns the same device")
        #expect(try LoopDevice.find(backingFile: file) == [device])
        #expect(device.backingFile == file)
        #expect(try device.size() == 8 << 20)
        #expect(BlockDevice.isBlockDevice(device.path))
    }

    @Test func directIOIsUsedWhenAskedAndTheBackingFilesystemAllowsIt() throws {
        let scratch = try ScratchDirectory("loop")
        for directIO in [true, false] {
            let file = try scratch.sparseFile("dio-\(directIO).img", bytes: 4 << 20)
            let device = try LoopDevice.attach(backingFile: file, directIO: directIO)
            defer { try? device.detach() }
            let dio = try String(contentsOfFile: "/sys/block/loop\(device.number)/loop/dio", encoding: .utf8)
            #expect(dio.trimmingCharacters(in: .whitespacesAndNewlines) == (directIO ? "1" : "0"))
        }
    }

    @Test func capacityFollowsTheGrownFile() throws {
        let scratch = try ScratchDirectory("loop")
        let file = try scratch.sparseFile("grow.img", bytes: 4 << 20)
        let device = try LoopDevice.attach(backingFile: file)
        defer { try? device.detach() }
        #expect(truncate(file, 12 << 20) == 0)
        #expect(try device.size() == 4 << 20, "the device keeps its size until told")
        try device.refreshCapacity()
        #expect(try device.size() == 12 << 20)
    }

    @Test func detachReleasesTheDeviceAndIsRepeatable() throws {
        let scratch = try ScratchDirectory("loop")
        let file = try scratch.sparseFile("d.img", bytes: 4 << 20)
        let device = try LoopDevice.attach(backingFile: file)
        try device.detach()
        // The kernel finishes a detach when the last opener closes the device, and udev's probe of a new device
        // may still hold it for a moment: poll, with a deadline.
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while try !LoopDevice.find(backingFile: file).isEmpty, ContinuousClock.now < deadline { usleep(2_000) }
        #expect(try LoopDevice.find(backingFile: file).isEmpty)
        try device.detach()
    }

    @Test func attachingAMissingFileNamesThePath() {
        #expect {
            try LoopDevice.attach(backingFile: "/nonexistent-\(UUID().uuidString).img")
        } throws: { error in
            "\(error)".contains("/nonexistent-") && "\(error)".contains("errno 2")
        }
    }
}

@Suite(.enabled(if: LoopHost.canRun, LoopHost.skipReason), .serialized)
struct BlockProbeAndFilesystemTests {
    @Test func blankImageIsBlank() throws {
        let scratch = try ScratchDirectory("probe")
        let file = try scratch.sparseFile("blank.img", bytes: 16 << 20)
        let contents = try BlockProbe.probe(file)
        #expect(contents.isBlank)
        #expect(contents.description == "no filesystem or partition table")
    }

    @Test func ext4OnALoopDeviceIsFoundWithItsUUIDAndNotFormattedTwice() async throws {
        let scratch = try ScratchDirectory("probe")
        let file = try scratch.sparseFile("ext4.img", bytes: 32 << 20)
        let device = try LoopDevice.attach(backingFile: file)
        defer { try? device.detach() }
        try await Filesystem.ext4.format(device.path, label: "data")
        let contents = try BlockProbe.probe(device.path)
        #expect(contents.type == "ext4")
        #expect(contents.label == "data")
        #expect(contents.uuid?.count == 36)
        #expect(!contents.isBlank)
        await #expect {
            try await Filesystem.ext4.format(device.path)
        } throws: { error in
            "\(error)".contains("refusing to format") && "\(error)".contains("ext4 filesystem")
        }
        #expect(try BlockProbe.probe(device.path).uuid == contents.uuid, "the refused format changed nothing")
        try await Filesystem.ext4.check(device.path)
    }

    @Test(.enabled(if: LoopHost.hasProgram("mkfs.xfs"), "needs mkfs.xfs"))
    func xfsIsFound() async throws {
        let scratch = try ScratchDirectory("probe")
        let file = try scratch.sparseFile("xfs.img", bytes: 320 << 20)
        try await Filesystem.xfs.format(file)
        #expect(try BlockProbe.probe(file).type == "xfs")
    }

    @Test func aPartitionTableIsNotBlank() throws {
        let scratch = try ScratchDirectory("probe")
        let file = try scratch.sparseFile("parted.img", bytes: 16 << 20)
        // A DOS (MBR) table by hand: one Linux partition from sector 2048 to the end, and the 0x55AA signature.
        var sector = [UInt8](repeating: 0, count: 512)
        let entry: [UInt8] = [0x00, 0, 0, 0, 0x83, 0, 0, 0] + littleEndian(2048) + littleEndian((16 << 20) / 512 - 2048)
        sector.replaceSubrange(446..<462, with: entry)
        sector[510] = 0x55
        sector[511] = 0xAA
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.write(contentsOf: Data(sector))
        try handle.close()
        let contents = try BlockProbe.probe(file)
        #expect(contents.partitionTable == "dos")
        #expect(!contents.isBlank)
        #expect(contents.description.contains("dos partition table"))
    }

    private func littleEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }

    @Test func programFailuresCarryStderr() async throws {
        await #expect {
            try await Filesystem.ext4.check("/nonexistent-\(UUID().uuidString)")
        } throws: { error in
            guard let error = error as? LinuxError else { return false }
            return error.call == "e2fsck" && error.detail.contains("exit status")
        }
    }
}

@Suite struct FileCopyTests {
    @Test func copyKeepsDataAndHoles() throws {
        let scratch = try ScratchDirectory("copy")
        let source = try scratch.sparseFile("source.img", bytes: 64 << 20)
        let handle = try #require(FileHandle(forWritingAtPath: source))
        try handle.seek(toOffset: 10 << 20)
        try handle.write(contentsOf: Data(repeating: 0xAB, count: 4096))
        try handle.seek(toOffset: 40 << 20)
        try handle.write(contentsOf: Data("tail".utf8))
        try handle.close()
        let copy = "\(scratch.path)/copy.img"
        let method = try FileCopy.copy(from: source, to: copy)
        let original = try Data(contentsOf: URL(fileURLWithPath: source))
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == original)
        var info = stat()
        #expect(stat(copy, &info) == 0)
        #expect(info.st_size == 64 << 20)
        // Allocated blocks (512 bytes each): holes stayed holes, far below the 64 MiB apparent size.
        #expect(Int64(info.st_blocks) * 512 < 4 << 20, "copy by \(method) allocated \(info.st_blocks) blocks")
    }

    @Test func copyNeverOverwrites() throws {
        let scratch = try ScratchDirectory("copy")
        let source = try scratch.sparseFile("s.img", bytes: 1 << 20)
        let existing = try scratch.sparseFile("t.img", bytes: 1 << 20)
        #expect(throws: LinuxError.self) { try FileCopy.copy(from: source, to: existing) }
    }
}
