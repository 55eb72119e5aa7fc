import Foundation
import StowageLinux

/// Empty directories made ahead of time, so that `CreateVolume` (the volume's directory) and `NodePublishVolume`
/// (the mount target) rename one into place instead of making a new directory. On ext4, creating an inode costs
/// 0.07–0.9 ms on this project's machine depending on the allocator's state (more right after a journal commit,
/// which every create's sync is), a rename 0.03 ms; the spares are made in batches, back to back, and synced
/// together.
///
/// They live in `<base-dir>/..spare` — a name no volume can take, since volume names never contain `..` — on the
/// base directory's filesystem. A spare is handed out only after the sync that made it durable, so a volume
/// directory renamed from it and synced in the base directory is as durable as one made with `mkdir`. Where a
/// rename cannot go (a target on another filesystem or mount, a base directory whose project id new entries
/// inherit) the directory is made in place, as before. At start, entries that are not empty directories (never
/// written by this driver, but a person may have) are removed symlink-safely rather than reused.
/// Not thread-safe: the driver calls it under its lock.
struct SpareDirectories {
    /// Where the spares are.
    let directory: String
    /// Spares made per refill.
    let batch: Int
    /// Synced spares, ready to be taken (names inside ``directory``).
    private var ready: [String] = []
    private var counter = 0

    init(baseDirectory: String, batch: Int = 16) throws {
        directory = "\(baseDirectory)/..spare"
        self.batch = batch
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw LinuxError.lastError("mkdir", path: directory) }
        for entry in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            let path = "\(directory)/\(entry)"
            var info = stat()
            let isEmptyDirectory = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                && ((try? FileManager.default.contentsOfDirectory(atPath: path).isEmpty) ?? false)
            if isEmptyDirectory {
                ready.append(entry)
            } else {
                try SafeRemoval.remove(entry, in: directory)
            }
        }
        // A refill interrupted by a crash may have made spares its sync never covered.
        try DurableFile.syncDirectory(directory)
    }

    /// Makes the directory `path` (which must not exist) with `mode`: a spare renamed there (a batch is made and
    /// synced first when none is left), or, when a rename cannot put it there, `mkdir`, whose error is the one
    /// thrown. The caller syncs `path`'s directory when the directory must survive a power loss.
    mutating func take(to path: String, mode: mode_t = 0o777) throws {
        if ready.isEmpty { try refill() }
        let spare = ready.removeLast()
        let source = "\(directory)/\(spare)"
        // The mode is set while the spare is still inside the driver's own 0700 directory, so the directory is
        // never reachable with a wider mode than asked.
        if mode != 0o777 { try checkedSystemCall("chmod", path: source) { chmod(source, mode) } }
        if rename(source, path) == 0 { return }
        // Another filesystem or mount (EXDEV), a missing parent, an existing path: the spare stays, and mkdir
        // says what is wrong, naming the path.
        if mode != 0o777 { try checkedSystemCall("chmod", path: source) { chmod(source, 0o777) } }
        ready.append(spare)
        try checkedSystemCall("mkdir", path: path) { mkdir(path, mode) }
        try checkedSystemCall("chmod", path: path) { chmod(path, mode) }
    }

    /// How many spares are ready (for tests).
    var readyCount: Int { ready.count }

    private mutating func refill() throws {
        var made: [String] = []
        let stamp = String(UInt64(Date().timeIntervalSince1970 * 1_000_000), radix: 36)
        for _ in 0..<batch {
            counter += 1
            let name = "\(stamp)-\(counter)"
            let path = "\(directory)/\(name)"
            try checkedSystemCall("mkdir", path: path) { mkdir(path, 0o777) }
            // Whatever the umask: volumes are shared by the pods' users.
            try checkedSystemCall("chmod", path: path) { chmod(path, 0o777) }
            made.append(name)
        }
        try DurableFile.syncDirectory(directory)
        ready.append(contentsOf: made)
    }
}
