#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A failed system call: which call, on which path (if any), and `errno`.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var path: String?
    public var errno: Int32
    /// Extra explanation when the failure is a rule rather than a syscall (errno then describes the closest cause).
    public var detail: String?
    public init(call: String, path: String? = nil, errno: Int32, detail: String? = nil) {
        self.call = call
        self.path = path
        self.errno = errno
        self.detail = detail
    }
    public var description: String {
        var text = "\(call)"
        if let path { text += "(\(path))" }
        text += " failed: " + (detail ?? String(cString: strerror(errno))) + " (errno \(errno))"
        return text
    }
}

/// Thin wrappers over the POSIX socket calls the driver protocol needs. They retry `EINTR` and throw
/// `SocketError` with the call, the path and `errno`. All are blocking unless stated; none touches Swift
/// concurrency.
public enum UnixSocket {
    /// Turns `unix:///abs/path.sock` or a plain path into a filesystem path.
    /// - Throws: `SocketError` (call `"endpoint"`) for another scheme or an empty path.
    public static func path(fromEndpoint endpoint: String) throws -> String {
        var path = endpoint
        if path.hasPrefix("unix://") { path.removeFirst("unix://".count) }
        else if path.contains("://") {
            throw SocketError(call: "endpoint", path: endpoint, errno: EINVAL, detail: "only unix:// endpoints are supported")
        }
        guard !path.isEmpty else { throw SocketError(call: "endpoint", path: endpoint, errno: EINVAL, detail: "empty socket path") }
        return path
    }

    static func makeAddress(_ path: String) throws -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw SocketError(call: "bind", path: path, errno: ENAMETOOLONG, detail: "socket path longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    static func newSocket(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw SocketError(call: "socket", path: path, errno: errno) }
        return fd
    }

    /// Connects to the socket at `path`. Returns the connected descriptor (blocking mode).
    public static func connect(path: String) throws -> Int32 {
        var address = try makeAddress(path)
        let fd = try newSocket(path: path)
        while true {
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if rc == 0 { return fd }
            let error = errno
            if error == EINTR { continue }
            close(fd)
            throw SocketError(call: "connect", path: path, errno: error)
        }
    }

    /// Binds and listens on `path` with file mode `mode`.
    ///
    /// An existing socket file nobody answers on (a stale one left by a crash) is removed. A live one (a
    /// connect succeeds) is refused with `EADDRINUSE`, and so is anything at `path` that is not a socket.
    public static func listen(path: String, mode: mode_t, backlog: Int32 = 128) throws -> Int32 {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFSOCK else {
                throw SocketError(call: "bind", path: path, errno: EEXIST, detail: "a file that is not a socket is in the way")
            }
            if let fd = try? connect(path: path) {
                close(fd)
                throw SocketError(call: "bind", path: path, errno: EADDRINUSE, detail: "another server is answering on this socket")
            }
            if unlink(path) != 0 && errno != ENOENT { throw SocketError(call: "unlink", path: path, errno: errno) }
        }
        var address = try makeAddress(path)
        let fd = try newSocket(path: path)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { let e = errno; close(fd); throw SocketError(call: "bind", path: path, errno: e) }
        // Nobody can connect before listen(), so setting the mode here leaves no window.
        if chmod(path, mode) != 0 { let e = errno; close(fd); unlink(path); throw SocketError(call: "chmod", path: path, errno: e) }
        if Glibc.listen(fd, backlog) != 0 { let e = errno; close(fd); unlink(path); throw SocketError(call: "listen", path: path, errno: e) }
        return fd
    }

    /// Accepts one connection (blocking). Returns nil when the listening socket was shut down or closed.
    static func accept(_ fd: Int32, path: String) throws -> Int32? {
        while true {
            let client = Glibc.accept(fd, nil, nil)
            if client >= 0 {
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                return client
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EINVAL, EBADF: return nil
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors or memory: back off briefly instead of spinning.
                usleep(10_000)
                continue
            default: throw SocketError(call: "accept", path: path, errno: errno)
            }
        }
    }

    /// Sends without blocking. Returns the bytes written (0 when the socket buffer is full).
    static func sendNonBlocking(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws -> Int {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return 0
            default: throw SocketError(call: "send", errno: errno)
            }
        }
    }
}
