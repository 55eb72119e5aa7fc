#if canImport(Glibc)
import Glibc
#endif
import CLinuxLoop

/// Copies of image files that cost no space up front: a reflink (`FICLONE`, shared extents, copy-on-write)
/// where the filesystem supports it, else a sparse-aware copy that reads only the data extents
/// (`SEEK_DATA`/`SEEK_HOLE`) and leaves holes as holes.
public enum FileCopy {
    /// How a copy was made.
    public enum Method: String, Sendable {
        /// Shared extents (XFS with reflink, btrfs, bcachefs).
        case reflink
        /// Data extents copied, holes kept.
        case sparse
    }

    /// Copies `source` to a new file `destination` (created with O_EXCL, mode 0600, never through a symlink),
    /// fsynced. On failure the partial destination is removed.
    /// - Returns: how the copy was made.
    /// - Throws: `LinuxError` naming the call and path.
    @discardableResult
    public static func copy(from source: String, to destination: String) throws -> Method {
        let input = try checkedSystemCall("open", path: source) { open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
        defer { close(input) }
        let output = try checkedSystemCall("open", path: destination) {
            open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        }
        var done = false
        defer {
            close(output)
            if !done { unlink(destination) }
        }
        let method: Method
        if ioctl(output, stowage_FICLONE, input) == 0 {
            method = .reflink
        } else {
            let error = Glibc.errno
            guard [EOPNOTSUPP, EXDEV, EINVAL, ENOTTY, ENOSYS].contains(error) else {
                throw LinuxError(call: "ioctl(FICLONE)", path: "\(source), \(destination)", errno: error)
            }
            try sparseCopy(input, output, source: source, destination: destination)
            method = .sparse
        }
        try checkedSystemCall("fsync", path: destination) { fsync(output) }
        done = true
        return method
    }

    static func sparseCopy(_ input: Int32, _ output: Int32, source: String, destination: String) throws {
        var info = stat()
        try checkedSystemCall("fstat", path: source) { fstat(input, &info) }
        let size = info.st_size
        try checkedSystemCall("ftruncate", path: destination) { ftruncate(output, size) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while offset < size {
            let dataStart = lseek(input, offset, SEEK_DATA)
            if dataStart < 0 {
                if Glibc.errno == ENXIO { break }  // only a hole remains
                throw LinuxError.lastError("lseek(SEEK_DATA)", path: source)
            }
            var dataEnd = lseek(input, dataStart, SEEK_HOLE)
            if dataEnd < 0 { dataEnd = size }
            var position = dataStart
            while position < dataEnd {
                let want = min(Int(dataEnd - position), buffer.count)
                let count = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress!, want, position) }
                if count < 0 {
                    if Glibc.errno == EINTR { continue }
                    throw LinuxError.lastError("pread", path: source)
                }
                if count == 0 { break }
                var written = 0
                while written < count {
                    let n = buffer.withUnsafeBytes { pwrite(output, $0.baseAddress! + written, count - written, position + off_t(written)) }
                    if n < 0 {
                        if Glibc.errno == EINTR { continue }
                        throw LinuxError.lastError("pwrite", path: destination)
                    }
                    written += n
                }
                position += off_t(count)
            }
            offset = dataEnd
        }
    }
}
