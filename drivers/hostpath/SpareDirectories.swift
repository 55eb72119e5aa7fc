import Foundation
import StowageLinux
import Synchronization

/// Empty directories made ahead of time, so that `CreateVolume` (the volume's directory) and `NodePublishVolume`
/// (the mount target) rename one into place instead of making a new directory. On ext4, creating an inode costs
/// 0.03–1.5 ms on this project's machine depending on the allocator's state (more right after a journal commit,
/// which every create's sync is), a rename 0.03 ms. The spares are made in batches, back to back, and synced
/// together, on a thread of their own whenever half a batch or less is left, so a request waits for a batch only
/// when a burst outruns the refills.
///
/// They live in `<base-dir>/..spare` — a name no volume can take, since volume names never contain `..` — on the
/// base directory's filesystem. A spare is handed out only after the sync that made it durable, so a volume
/// directory renamed from it and synced in the base directory is as durable as one made with `mkdir`. Where a
/// rename cannot go (a target on another filesystem or mount, a base directory whose project id new entries
/// inherit) the directory is made in place, as before. At start, entries that are not empty directories (never
/// written by this driver, but a person may have) are removed symlink-safely rather than reused.
final class SpareDirectories: Sendable {
    private struct State {
        /// Synced spares, ready to be taken (names inside ``directory``).
        var ready: [String] = []
        var refilling = false
        var made = 0
    }

    /// Where the spares are.
    let directory: String
    /// Spares made per refill.
    let batch: Int
    private let state = Mutex(State())
    /// Names of this run's spares start with it (the start time), so they never collide with a previous run's.
    private let stamp = String(UInt64(Date().timeIntervalSince1970 * 1_000_000), radix: 36)

    init(baseDirectory: String, batch: Int = 32) throws {
        directory = "\(baseDirectory)/..spare"
        self.batch = batch
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw LinuxError.lastError("mkdir", path: directory) }
        var found: [String] = []
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let path = "\(directory)/\(entry)"
            var info = stat()
            let isEmptyDirectory = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                && ((try? FileManager.default.contentsOfDirectory(atPath: path).isEmpty) ?? false)
            if isEmptyDirectory {
                found.append(entry)
            } else {
                try SafeRemoval.remove(entry, in: directory)
            }
        }
        // A refill interrupted by a crash may have made spares its sync never covered.
        try DurableFile.syncDirectory(directory)
        state.withLock { $0.ready = found }
        refillIfLow()
    }

    /// Makes the directory `path` (which must not exist) with `mode`: a ready spare renamed there, or, when none
    /// is ready or a rename cannot put it there, `mkdir`, whose error is the one thrown. The caller syncs `path`'s
    /// directory when the directory must survive a power loss.
    func take(to path: String, mode: mode_t = 0o777) throws {
        defer { refillIfLow() }
        if let spare = state.withLock({ $0.ready.popLast() }) {
            let source = "\(directory)/\(spare)"
            // The mode is set while the spare is still inside the driver's own 0700 directory, so the directory
            // is never reachable with a wider mode than asked.
            if mode == 0o777 || chmod(source, mode) == 0 {
                if rename(source, path) == 0 { return }
                // Another filesystem or mount (EXDEV), a missing parent, an existing path: the spare stays, and
                // mkdir below says what is wrong, naming the path.
                if mode != 0o777 { chmod(source, 0o777) }
            }
            state.withLock { $0.ready.append(spare) }
        }
        try Self.makeOpenDirectory(path, mode: mode)
    }

    /// Starts a refill on a thread of its own when half a batch or less is ready and none is running.
    private func refillIfLow() {
        let start = state.withLock { state -> Bool in
            guard state.ready.count <= batch / 2, !state.refilling else { return false }
            state.refilling = true
            return true
        }
        guard start else { return }
        Thread.detachNewThread { self.refill() }
    }

    private func refill() {
        var made: [String] = []
        do {
            for _ in 0..<batch {
                let name = state.withLock { state -> String in
                    state.made += 1
                    return "\(stamp)-\(state.made)"
                }
                try Self.makeOpenDirectory("\(directory)/\(name)", mode: 0o777)
                made.append(name)
            }
            try DurableFile.syncDirectory(directory)
        } catch {
            // Requests make their directories in place until a later refill works; what was made waits for the
            // next start, whose sync covers it.
            FileHandle.standardError.write(Data("stowage-hostpath: making spare directories failed: \(error)\n".utf8))
            made = []
        }
        state.withLock { state in
            state.ready.insert(contentsOf: made, at: 0)
            state.refilling = false
        }
    }

    /// `mkdir`, then `chmod` to `mode` whatever the umask (volumes are shared by the pods' users).
    private static func makeOpenDirectory(_ path: String, mode: mode_t) throws {
        try checkedSystemCall("mkdir", path: path) { mkdir(path, mode) }
        try checkedSystemCall("chmod", path: path) { chmod(path, mode) }
    }
}
