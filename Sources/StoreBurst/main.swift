// stowage-store-burst: a crash-safety helper for the store's tests. Opens the store in the directory given on
// the command line and creates Namespaces as fast as it can from 16 concurrent tasks, printing
// `ACK <name> <resourceVersion>` on stdout after each acknowledged (durable) write, one write(2) per line so
// the lines reach the reader even when the process is killed with SIGKILL.
//
// Exit codes: 0 never (it runs until killed, or until --count N writes), 2 usage, 3 the store failed to open
// (its error, naming the lock holder's pid when locked, on stderr), 4 a write failed.
#if canImport(Glibc)
import Glibc
#endif
import StowageAPI
import StowageStore

func emit(_ line: String, to fd: Int32) {
    let bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 {
            if errno == EINTR { continue }
            return
        }
        offset += written
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
var count: Int?
if let index = arguments.firstIndex(of: "--count"), index + 1 < arguments.count {
    count = Int(arguments[index + 1])
    arguments.removeSubrange(index...(index + 1))
}
guard arguments.count == 1 else {
    emit("usage: stowage-store-burst DIRECTORY [--count N]", to: 2)
    exit(2)
}

let store: Store
do {
    store = try Store.open(directory: arguments[0])
} catch {
    emit("stowage-store-burst: \(error)", to: 2)
    exit(3)
}
emit("OPEN \(getpid())", to: 1)

let perTask = count.map { ($0 + 15) / 16 }
await withTaskGroup(of: Void.self) { group in
    for task in 0..<16 {
        group.addTask {
            var index = 0
            while perTask.map({ index < $0 }) ?? true {
                let name = "burst-\(task)-\(index)"
                do {
                    let created = try await store.create(Namespace(metadata: ObjectMeta(name: name, labels: ["task": "\(task)"])))
                    emit("ACK \(name) \(created.metadata.resourceVersion ?? "")", to: 1)
                } catch {
                    emit("stowage-store-burst: create \(name): \(error)", to: 2)
                    exit(4)
                }
                index += 1
            }
        }
    }
}
await store.close()
