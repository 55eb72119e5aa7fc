import Foundation
import StowageAPI
import StowageStore
import Synchronization

extension StoreBenchmarks {
    /// Figures of ``watchFanout(directory:watchers:events:)``.
    public struct WatchFigures: Sendable, CustomStringConvertible {
        /// From the start of the create call to the event reaching a watcher (includes the commit's fsync).
        public var endToEnd: LatencyFigures
        /// From the create call returning (the write acknowledged) to the event reaching a watcher; 0 when the
        /// watcher had it first (the hub publishes before acknowledging).
        public var afterAcknowledgement: LatencyFigures
        public var description: String { "\(endToEnd)\n\(afterAcknowledgement)" }
    }

    /// `watchers` watches of one kind; one writer creates `events` objects one after the other; every event must
    /// reach every watcher. Reports delivery latency over all (event, watcher) pairs.
    public static func watchFanout(directory: String, watchers: Int, events: Int) async throws -> WatchFigures {
        let store = try Store.open(directory: directory, options: benchOptions())
        let base = ContinuousClock.now
        func nanos(_ instant: ContinuousClock.Instant) -> Int64 {
            let d = instant - base
            return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
        }
        var streams: [AsyncThrowingStream<WatchEvent<Namespace>, any Error>] = []
        for _ in 0..<watchers { streams.append(try await store.watch(Namespace.self)) }
        let received = try await withThrowingTaskGroup(of: [Int64].self) { group -> [[Int64]] in
            for stream in streams {
                group.addTask {
                    var times = [Int64](repeating: 0, count: events)
                    var count = 0
                    for try await event in stream {
                        let now = nanos(ContinuousClock.now)
                        if let name = event.object.metadata.name, let index = Int(name.dropFirst(6)), index < events {
                            times[index] = now
                        }
                        count += 1
                        if count == events { break }
                    }
                    return times
                }
            }
            var sent = [Int64](repeating: 0, count: events)
            var acknowledged = [Int64](repeating: 0, count: events)
            for index in 0..<events {
                sent[index] = nanos(ContinuousClock.now)
                _ = try await store.create(Namespace(metadata: ObjectMeta(name: "watch-\(index)")))
                acknowledged[index] = nanos(ContinuousClock.now)
            }
            var all: [[Int64]] = [sent, acknowledged]
            for try await times in group { all.append(times) }
            return all
        }
        await store.close()
        let sent = received[0], acknowledged = received[1]
        var endToEnd: [Duration] = []
        var afterAck: [Duration] = []
        for times in received.dropFirst(2) {
            for index in 0..<events {
                endToEnd.append(.nanoseconds(times[index] - sent[index]))
                afterAck.append(.nanoseconds(Swift.max(0, times[index] - acknowledged[index])))
            }
        }
        return WatchFigures(
            endToEnd: LatencyFigures(label: "watch delivery to \(watchers) watchers, from create call", samples: endToEnd),
            afterAcknowledgement: LatencyFigures(label: "watch delivery to \(watchers) watchers, after acknowledgement", samples: afterAck))
    }
}
