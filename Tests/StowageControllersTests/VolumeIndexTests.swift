import StowageAPI
@testable import StowageControllers
import Synchronization
import Testing

/// The binder's index of free volumes reads each candidate from the informer's cache when it considers it, so a
/// cache that is already ahead of the index never makes it hand out a volume by a state that is gone.
@Suite("The binder's volume index")
struct VolumeIndexTests {
    /// Stands in for the informer's cache: the latest state of each volume, by name.
    final class Cache: Sendable {
        let volumes = Mutex<[String: PersistentVolume]>([:])
        func put(_ volume: PersistentVolume) { volumes.withLock { $0[volume.metadata.name ?? ""] = volume } }
        func get(_ name: String) -> PersistentVolume? { volumes.withLock { $0[name] } }
    }

    static func volume(_ name: String, gibibytes: Int64, claimedBy claim: String? = nil) -> PersistentVolume {
        var volume = PersistentVolume(name: name, capacity: Quantity(bytes: gibibytes << 30), storageClassName: "fast",
                                      hostPath: HostPathVolumeSource(path: "/tmp/\(name)"),
                                      claimRef: claim.map { ObjectReference(kind: "PersistentVolumeClaim", namespace: "default", name: $0) })
        volume.status = PersistentVolumeStatus(phase: PersistentVolumePhase.available)
        return volume
    }

    static func claim(_ name: String, gibibytes: Int64) -> PersistentVolumeClaim {
        PersistentVolumeClaim(name: name, request: Quantity(bytes: gibibytes << 30), storageClassName: "fast")
    }

    @Test func takesTheSmallestFittingVolumeAndNeverTheSameTwice() {
        let cache = Cache()
        let index = VolumeIndex(volumes: cache.get)
        for (name, size) in [("big", Int64(10)), ("small", 1), ("medium", 5)] {
            cache.put(Self.volume(name, gibibytes: size))
            index.observe(Self.volume(name, gibibytes: size))
        }
        #expect(index.reserve(for: Self.claim("a", gibibytes: 2), on: nil)?.metadata.name == "medium")
        #expect(index.reserve(for: Self.claim("b", gibibytes: 2), on: nil)?.metadata.name == "big", "medium is reserved")
        #expect(index.reserve(for: Self.claim("c", gibibytes: 2), on: nil) == nil)
        index.unreserve("medium")
        #expect(index.reserve(for: Self.claim("d", gibibytes: 2), on: nil)?.metadata.name == "medium", "given back")
    }

    @Test func aCandidateWhoseCachedStateMovedOnIsSkippedUntilItIsFiledAgain() {
        let cache = Cache()
        let index = VolumeIndex(volumes: cache.get)
        cache.put(Self.volume("shrunk", gibibytes: 10))
        index.observe(Self.volume("shrunk", gibibytes: 10))
        cache.put(Self.volume("taken", gibibytes: 20))
        index.observe(Self.volume("taken", gibibytes: 20))

        // The cache is ahead of the index: one volume is now 1 GiB, the other bound elsewhere.
        cache.put(Self.volume("shrunk", gibibytes: 1))
        cache.put(Self.volume("taken", gibibytes: 20, claimedBy: "someone-else"))
        #expect(index.reserve(for: Self.claim("wants-5", gibibytes: 5), on: nil) == nil,
                "neither the 1 GiB volume nor the bound one is handed out by its old state")

        // The handler calls behind those changes file them again.
        index.observe(Self.volume("shrunk", gibibytes: 1))
        index.observe(Self.volume("taken", gibibytes: 20, claimedBy: "someone-else"))
        #expect(index.freeCount == 1)
        let chosen = index.reserve(for: Self.claim("wants-1", gibibytes: 1), on: nil)
        #expect(chosen?.metadata.name == "shrunk" && chosen?.storageCapacity == Quantity(bytes: 1 << 30))
    }
}
