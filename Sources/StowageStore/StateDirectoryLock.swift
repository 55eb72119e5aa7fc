#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// The exclusive lock on a state directory: `flock(LOCK_EX|LOCK_NB)` on `<directory>/lock`, whose content is the
/// holder's pid so a refused opener can name it.
///
/// `flock` locks belong to an open file description, so a second ``acquire(directory:)`` in the same process
/// is refused too. The lock is released by ``release()`` or when the process dies (even by SIGKILL).
///
/// A child this process forks shares the description until its `exec` closes it (the descriptor is
/// close-on-exec), so for that instant a released lock still looks held — by this very pid. The process keeps a
/// list of the locks it holds: a lock held by this pid but not on the list is such a transient copy, and
/// acquiring waits for it to go (up to two seconds) instead of refusing.
public final class StateDirectoryLock: Sendable {
    public let directory: String
    private let descriptor: Int32
    private let identity: FileIdentity

    /// Device and inode of a lock file.
    private struct FileIdentity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    /// The lock files this process holds.
    private static let held = Mutex<Set<FileIdentity>>([])

    private init(directory: String, descriptor: Int32, identity: FileIdentity) {
        self.directory = directory
        self.descriptor = descriptor
        self.identity = identity
    }

    /// Creates `directory` when missing and takes its lock.
    /// - Throws: ``StoreError/locked(directory:holderPID:)`` when another holder has it,
    ///   ``StoreError/database(operation:underlying:)`` when the directory or lock file cannot be opened.
    public static func acquire(directory: String) throws -> StateDirectoryLock {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.database(operation: "create state directory \(directory)", underlying: "\(error)")
        }
        let path = directory + "/lock"
        let fd = path.withCString { open($0, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        if fd < 0 {
            throw StoreError.database(operation: "open \(path)", underlying: String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw StoreError.database(operation: "stat \(path)", underlying: message)
        }
        let identity = FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        let patience = ContinuousClock.now + .seconds(2)
        while true {
            if held.withLock({ $0.contains(identity) }) {
                close(fd)
                throw StoreError.locked(directory: directory, holderPID: getpid())
            }
            var result: Int32
            repeat { result = flock(fd, LOCK_EX | LOCK_NB) } while result != 0 && errno == EINTR
            if result == 0 { break }
            let code = errno
            let holder = readPID(fd)
            // Held by this pid yet not on the list: a forked child's copy, gone when the child execs.
            if code == EWOULDBLOCK, holder == getpid(), ContinuousClock.now < patience {
                usleep(5_000)
                continue
            }
            close(fd)
            if code == EWOULDBLOCK { throw StoreError.locked(directory: directory, holderPID: holder) }
            throw StoreError.database(operation: "flock \(path)", underlying: String(cString: strerror(code)))
        }
        held.withLock { _ = $0.insert(identity) }
        let text = Array("\(getpid())\n".utf8)
        guard ftruncate(fd, 0) == 0, pwrite(fd, text, text.count, 0) == text.count else {
            let message = String(cString: strerror(errno))
            held.withLock { _ = $0.remove(identity) }
            close(fd)
            throw StoreError.database(operation: "write pid to \(path)", underlying: message)
        }
        return StateDirectoryLock(directory: directory, descriptor: fd, identity: identity)
    }

    /// Releases the lock (closing the descriptor drops it). Call once.
    public func release() {
        Self.held.withLock { _ = $0.remove(identity) }
        close(descriptor)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text)
    }
}
