import Foundation
import StowageLinux

/// Empty volume directories made ahead of time, so that `CreateVolume` renames one into place instead of making
/// a new directory. On ext4, creating an inode right after a journal commit (which every create's sync is) costs
/// 0.3–0.6 ms, a rename 0.03 ms; the spares are made in batches, back to back, and synced together.
///
/// They live in `<base-dir>/..spare` — a name no volume can take, since volume names never contain `..` — on the
/// base directory's filesystem, so a rename moves them. A spare is handed out only after the sync that made it
/// durable, so a volume directory renamed from it and synced in the base directory is as durable as one made
/// with `mkdir`. At start, entries that are not empty directories (never written by this driver, but a person
/// may have) are removed symlink-safely rather than reused.
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

    /// Moves a spare to `path` (which must not exist); makes and syncs a batch first when none is left. The caller syncs `path`'s directory.
    mutating func take(to path: String) throws {
        if ready.isEmpty { try refill() }
        let spare = ready.removeLast()
        if rename("\(directory)/\(spare)", path) == 0 { return }
        guard errno == EXDEV else { throw LinuxError.lastError("rename", path: "\(directory)/\(spare) to \(path)") }
        // A base directory whose project id new entries inherit (PROJINHERIT, set by an administrator) refuses
        // entries of another project: make this one in place.
        ready.append(spare)
        try checkedSystemCall("mkdir", path: path) { mkdir(path, 0o777) }
        try checkedSystemCall("chmod", path: path) { chmod(path, 0o777) }
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
