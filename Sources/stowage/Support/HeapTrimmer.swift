import Foundation
import ServiceLifecycle

/// Gives memory the process freed back to the system every half minute, as a `Service` of `stowage serve` and
/// `stowage up`.
///
/// glibc keeps freed heap pages mapped for reuse; after a burst (binding 10,000 volume pairs decodes, encodes and
/// drops hundreds of megabytes of short-lived objects) that is 80 MiB or more of resident memory the server is not
/// using. `malloc_trim(0)` returns them; when there is nothing to return it costs a walk of the free lists.
struct HeapTrimmer: Service {
    var interval: Duration = .seconds(30)

    /// Trims every `interval` until graceful shutdown (which ends the wait at once) or cancellation.
    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                Self.trimNow()
            }
        }
    }

    /// Returns free heap pages to the system now (glibc only; elsewhere nothing happens).
    static func trimNow() {
        #if canImport(Glibc)
        // Glibc's Swift module does not export <malloc.h>, so malloc_trim is looked up.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return }
        typealias Trim = @convention(c) (Int) -> Int32
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        #endif
    }
}
