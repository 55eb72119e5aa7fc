import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `stowage` command line.
@main
struct StowageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stowage",
        abstract: "Kubernetes storage orchestration for one Linux box: PVs, PVCs, StorageClasses and CSI-style drivers.",
        subcommands: StowageCommand.subcommandList
    )

    static func main() async {
        limitMallocArenas()
        await Self.main(nil)
    }

    /// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and a long-running server
    /// whose decoding and database threads come and go fragments them: binding 10,000 volume pairs left 641 MiB
    /// resident with the default and 235 MiB with two arenas, at the same speed. `MALLOC_ARENA_MAX` in the
    /// environment still wins.
    private static func limitMallocArenas() {
        #if canImport(Glibc)
        // Glibc's Swift module does not export <malloc.h>; mallopt is looked up instead. M_ARENA_MAX is -8.
        guard getenv("MALLOC_ARENA_MAX") == nil, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-8, 2)
        #endif
    }
}
