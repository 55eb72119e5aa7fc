import StowageAPI
import Synchronization

/// The free volumes, kept sorted so that choosing one for a claim costs O(log n) in the usual case and binding a
/// backlog of n claims costs O(n log n), not O(n²): grouped by class, volumeMode and access-mode set; within a
/// group, ordered by capacity, largest first — claims take the smallest volume that fits, so taking it out of the
/// array moves the few entries after it, not all the larger ones — and among equal capacities by name, A to Z, so
/// the informer's first list (sorted by name) appends rather than inserts at the front, and the volume taken is
/// the last of its size. A volume is *free* when it has no `claimRef`, is `Available` and is not being deleted.
///
/// A volume handed to a claim by ``reserve(for:on:)`` stays out of the free set until the informer shows its
/// `claimRef` (the write landed) or ``unreserve(_:)`` puts it back (the write failed), so two claims reconciled at
/// once never pick the same volume.
///
/// The index keeps names and capacities, not volumes: a candidate is read from the informer's cache when it is
/// considered (a copy of every PersistentVolume here cost 12 MiB per 10,000 volumes). The cache may already hold a
/// newer state than the index has been told of; a candidate whose current state no longer has the entry's group and
/// capacity, or is no longer free, is skipped (its handler call, right behind, files it again). Thread-safe.
final class VolumeIndex: Sendable {
    private struct Group: Hashable {
        let storageClass: String
        let volumeMode: String
        let accessModes: [String]
    }
    private struct Entry: Comparable {
        let capacity: Quantity
        let name: String
        /// "Comes after in the array": smaller, or as large with a later name.
        static func < (a: Entry, b: Entry) -> Bool { a.capacity != b.capacity ? a.capacity < b.capacity : a.name > b.name }
    }
    private struct State {
        var groups: [Group: [Entry]] = [:]
        var location: [String: (group: Group, entry: Entry)] = [:]
        var reserved: Set<String> = []
    }
    private let state = Mutex(State())
    /// The latest state of a volume, by name (the informer's cache).
    private let volume: @Sendable (String) -> PersistentVolume?

    init(volumes: @escaping @Sendable (String) -> PersistentVolume?) { self.volume = volumes }

    /// Takes the latest state of a volume (from the informer). Returns true when the volume just became free,
    /// so claims waiting for one may look again.
    @discardableResult
    func observe(_ volume: PersistentVolume) -> Bool {
        guard let name = volume.metadata.name else { return false }
        return state.withLock { state in
            let wasFree = state.location[name] != nil
            Self.remove(name, from: &state)
            if volume.spec?.claimRef != nil { state.reserved.remove(name) }
            guard Self.isFree(volume), !state.reserved.contains(name) else { return false }
            Self.insert(volume, into: &state)
            return !wasFree
        }
    }

    /// Drops a deleted volume.
    func forget(_ name: String) {
        state.withLock { state in
            Self.remove(name, from: &state)
            state.reserved.remove(name)
        }
    }

    /// Chooses the best free volume for `claim` (rules 2, 3, 5, 6 and, with `node`, 7) and reserves it.
    func reserve(for claim: PersistentVolumeClaim, on node: Node?) -> PersistentVolume? {
        let request = claim.storageRequest ?? Quantity(bytes: 0)
        let wanted = claim.spec?.accessModes ?? []
        let storageClass = claim.spec?.storageClassName ?? ""
        let volumeMode = claim.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem
        return state.withLock { state -> PersistentVolume? in
            let groups = state.groups.keys
                .filter { $0.storageClass == storageClass && $0.volumeMode == volumeMode && VolumeMatching.accessModesSatisfied(wanted, by: $0.accessModes) }
            var best: (modes: Int, entry: Entry, volume: PersistentVolume)?
            for group in groups {
                guard let entries = state.groups[group] else { continue }
                if let best, best.modes < group.accessModes.count { continue }
                // Smallest fitting first: the entries that fit come before `endOfFitting`, the smallest just before it.
                var position = Self.endOfFitting(in: entries, request: request) - 1
                while position >= 0 {
                    let entry = entries[position]
                    position -= 1
                    if let best, best.modes == group.accessModes.count, !(entry < best.entry) { break }
                    guard let volume = volume(entry.name), Self.isFree(volume),
                          Self.filing(of: volume).map({ $0.group == group && $0.entry == entry }) == true else { continue }
                    if !VolumeMatching.selector(of: claim, matches: volume) { continue }
                    if let node, !VolumeMatching.nodeAffinity(of: volume, admits: node) { continue }
                    best = (group.accessModes.count, entry, volume)
                    break
                }
            }
            guard let best else { return nil }
            Self.remove(best.entry.name, from: &state)
            state.reserved.insert(best.entry.name)
            return best.volume
        }
    }

    /// Returns a reserved volume to the free set (its bind failed).
    func unreserve(_ name: String) {
        state.withLock { state in
            guard state.reserved.remove(name) != nil, let volume = volume(name), Self.isFree(volume) else { return }
            Self.insert(volume, into: &state)
        }
    }

    /// How many volumes are free (for tests and metrics).
    var freeCount: Int { state.withLock { $0.location.count } }

    static func isFree(_ volume: PersistentVolume) -> Bool {
        volume.spec?.claimRef == nil && volume.status?.phase == PersistentVolumePhase.available && !volume.metadata.isBeingDeleted
    }

    /// Where a volume is filed: its group and its entry (nil without a name or a capacity).
    private static func filing(of volume: PersistentVolume) -> (group: Group, entry: Entry)? {
        guard let name = volume.metadata.name, let capacity = volume.storageCapacity else { return nil }
        let group = Group(storageClass: volume.spec?.storageClassName ?? "",
                          volumeMode: volume.spec?.effectiveVolumeMode ?? PersistentVolumeMode.filesystem,
                          accessModes: Array(Set(volume.spec?.accessModes ?? [])).sorted())
        return (group, Entry(capacity: capacity, name: name))
    }

    private static func insert(_ volume: PersistentVolume, into state: inout State) {
        guard let (group, entry) = filing(of: volume) else { return }
        let name = entry.name
        // In place: copying the group's array out and back made every insert copy it (O(n) retains), which was
        // most of the time of a 10,000-volume backlog.
        let position = firstIndex(in: state.groups[group] ?? [], notBelow: entry)
        state.groups[group, default: []].insert(entry, at: position)
        state.location[name] = (group, entry)
    }

    private static func remove(_ name: String, from state: inout State) {
        guard let (group, entry) = state.location.removeValue(forKey: name) else { return }
        // Only indices are taken out of the array, so the removal below happens in place (no copy).
        let (position, count) = state.groups[group].map { (firstIndex(in: $0, notBelow: entry), $0.count) } ?? (0, 0)
        guard position < count, state.groups[group]?[position].name == name else { return }
        if count == 1 {
            state.groups[group] = nil
        } else {
            state.groups[group]?.remove(at: position)
        }
    }

    /// Where `entry` is or would go in `entries` (sorted largest first): the first position not above it.
    private static func firstIndex(in entries: [Entry], notBelow entry: Entry) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entry < entries[middle] { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The end of the entries (sorted largest first) with at least `capacity`: the first one below it.
    private static func endOfFitting(in entries: [Entry], request capacity: Quantity) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].capacity < capacity { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
