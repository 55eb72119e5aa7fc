#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI

/// Pins every thread of this process (and, by inheritance, the threads they create) to CPUs.
/// `sched_setaffinity` is looked up at run time because Glibc's Swift module hides the GNU declarations.
private typealias SetAffinity = @convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32

private func setAffinity(_ cpus: [Int]) throws {
    guard let symbol = dlsym(nil, "sched_setaffinity") else {
        throw SocketError(call: "dlsym", path: "sched_setaffinity", errno: ENOSYS)
    }
    let function = unsafeBitCast(symbol, to: SetAffinity.self)
    var mask = [UInt64](repeating: 0, count: 16)
    for cpu in cpus { mask[cpu / 64] |= 1 << UInt64(cpu % 64) }
    let tids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    for tid in tids.compactMap({ pid_t($0) }) {
        let rc = mask.withUnsafeBytes { function(tid, $0.count, $0.baseAddress!) }
        if rc != 0 && errno != ESRCH { throw SocketError(call: "sched_setaffinity", path: "/proc/self/task/\(tid)", errno: errno) }
    }
}

/// Pins the whole process to `cpu`.
func pinProcess(toCPU cpu: Int) throws { try setAffinity([cpu]) }

/// Lets the whole process run on every CPU again.
func unpinProcess() throws { try setAffinity(Array(0..<ProcessInfo.processInfo.processorCount)) }
