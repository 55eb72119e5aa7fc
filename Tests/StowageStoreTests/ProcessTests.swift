import Foundation
import StowageAPI
import StowageLinux
import StowageStore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `stowage-store-burst` helper, built by `swift build` (or `swift build --product stowage-store-burst`)
/// next to the test bundle. Tests that need it are skipped, saying so, when it is missing.
let burstBinary: String? = {
    var candidates: [String] = []
    if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        candidates.append(directory.appendingPathComponent("stowage-store-burst").path)
        // Inside an .xctest bundle directory on some layouts.
        directory = directory.deletingLastPathComponent()
        candidates.append(directory.appendingPathComponent("stowage-store-burst").path)
    }
    candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/stowage-store-burst")
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

@Suite("Store: state directory lock and crash safety")
struct ProcessTests {
    /// GRDB switches a pool's writer to `synchronous = NORMAL` when it enables WAL; with NORMAL a WAL commit is
    /// not synced, so an acknowledged write could be lost on power loss. The store must end up with what it
    /// was asked for, after reopening too.
    @Test(arguments: [(StoreOptions.Synchronous.full, 2), (.normal, 1)])
    func theWriterCommitsWithTheRequestedSynchronousLevel(requested: StoreOptions.Synchronous, level: Int) async throws {
        var options = StoreOptions()
        options.synchronous = requested
        let directory = makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        for _ in 0..<2 {
            let store = try Store.open(directory: directory, options: options)
            let reported = try await store.writerSynchronousLevel()
            await store.close()
            #expect(reported == level)
        }
    }

    @Test func secondOpenInTheSameProcessIsRefused() async throws {
        try await withStore { _, directory in
            #expect {
                _ = try Store.open(directory: directory)
            } throws: { error in
                guard case StoreError.locked(let lockedDirectory, let pid) = error else { return false }
                return lockedDirectory == directory && pid == getpid()
            }
        }
    }

    @Test func closingReleasesTheLock() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let first = try Store.open(directory: directory)
        _ = try await first.create(Namespace(metadata: ObjectMeta(name: "kept")))
        await first.close()
        let second = try Store.open(directory: directory)
        #expect(try await second.get(Namespace.self, ObjectKey(name: "kept")).metadata.resourceVersion == "1")
        await second.close()
    }

    /// A child forked by this process shares the lock's file description until its exec closes it. Closing the
    /// store while such a copy exists must not make the next open fail (a CI run failed so while other tests spawned
    /// processes). A duplicate of the descriptor, closed a moment later, stands in for the child: forking the test
    /// process would hand every open descriptor of the other tests to a child too.
    @Test func reopeningWhileACopyOfTheLockDescriptorLivesWaitsForIt() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let first = try Store.open(directory: directory)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap { Int32($0) }
        let lockDescriptor = try #require(descriptors.first {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == directory + "/lock"
        })
        // Close-on-exec like the original: a plain dup would be inherited by every process other tests spawn meanwhile.
        let copy = fcntl(lockDescriptor, F_DUPFD_CLOEXEC, 0)
        #expect(copy >= 0)
        await first.close()
        // A thread of its own: opening blocks the calling thread while it waits, and on a loaded machine the
        // cooperative pool's few threads may all be busy.
        Thread.detachNewThread {
            usleep(300_000)
            close(copy)
        }
        let second = try Store.open(directory: directory)
        await second.close()
    }

    @Test(.enabled(if: burstBinary != nil, "stowage-store-burst is not built: run `swift build` first"))
    func anotherProcessIsRefusedAndToldOurPID() async throws {
        try await withStore { _, directory in
            // PipedProcess, not Foundation's Process: see `TestClusterAPITests.run` (swift-corelibs-foundation#5472).
            let output = try PipedProcess.run(burstBinary ?? "", arguments: [directory])
            let message = String(decoding: output.standardError, as: UTF8.self)
            #expect(output.status == 3)
            #expect(message.contains("state directory \(directory) is in use by another stowage process (pid \(getpid()))"), "\(message)")
        }
    }

    @Test(.enabled(if: burstBinary != nil, "stowage-store-burst is not built: run `swift build` first"))
    func killMinusNineLosesNoAcknowledgedWrite() async throws {
        let directory = makeTemporaryDirectory()
        defer { removeTemporaryDirectory(directory) }
        let process = try PipedProcess.start(burstBinary ?? "", arguments: [directory], output: .pipe, error: .null)
        var text = ""
        var acks = 0
        let reader = try #require(process.standardOutput)
        while acks < 400 {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            acks = text.split(separator: "\n").filter { $0.hasPrefix("ACK ") }.count
        }
        kill(process.processIdentifier, SIGKILL)
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.waitUntilExit() == 128 + SIGKILL, "ended by the signal")

        var acked: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("ACK ") {
            let parts = line.split(separator: " ")
            if parts.count == 3 { acked[String(parts[1])] = String(parts[2]) }
        }
        #expect(acked.count >= 400)

        let store = try Store.open(directory: directory)
        for (name, revision) in acked {
            let object = try await store.get(Namespace.self, ObjectKey(name: name))
            #expect(object.metadata.resourceVersion == revision, "\(name)")
        }
        let report = try await store.checkIntegrity()
        #expect(report.isSound, "\(report.problems)")
        // Only creates ran and nothing was compacted: revisions 1...N, one object per change.
        #expect(report.lowestRevision == 1)
        #expect(report.highestRevision == report.currentRevision)
        #expect(report.changeCount == Int(report.currentRevision))
        #expect(report.objectCount == report.changeCount)
        #expect(report.changeCount >= acked.count)
        await store.close()
    }
}
