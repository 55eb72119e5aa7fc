#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A failed system call or program: which call, on which path, and why (errno, or the program's stderr).
///
/// `description` reads like `mount("/dev/loop3", "/mnt/x"): Device or resource busy (errno 16)`.
public struct LinuxError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The system call or program, e.g. `"mount"`, `"ioctl(LOOP_CONFIGURE)"`, `"mkfs.ext4"`.
    public var call: String
    /// The path (or paths, comma separated) the call was about; empty when none.
    public var path: String
    /// The errno value, 0 when the failure was not a system call (a program's exit status, a parse error).
    public var errno: Int32
    /// Extra detail: a program's stderr, or what was unexpected.
    public var detail: String

    public init(call: String, path: String = "", errno: Int32 = 0, detail: String = "") {
        self.call = call
        self.path = path
        self.errno = errno
        self.detail = detail
    }

    /// The error for the current `errno`, captured immediately after a failing call.
    public static func lastError(_ call: String, path: String = "") -> LinuxError {
        LinuxError(call: call, path: path, errno: Glibc.errno)
    }

    public var description: String {
        var text = call
        if !path.isEmpty { text += "(\"\(path)\")" }
        if errno != 0 { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
        if !detail.isEmpty { text += (errno != 0 ? "; " : ": ") + detail }
        return text
    }
}

/// Runs a system call that returns -1 on failure, retrying on EINTR; throws `LinuxError` naming `call` and `path`.
@discardableResult
public func checkedSystemCall(_ call: String, path: String = "", _ body: () -> Int32) throws -> Int32 {
    while true {
        let result = body()
        if result != -1 { return result }
        if Glibc.errno == EINTR { continue }
        throw LinuxError.lastError(call, path: path)
    }
}
