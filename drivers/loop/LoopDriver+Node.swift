#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI
import StowageLinux

/// Staging attaches the loop device (and, for mount access, formats a blank device and mounts it at the staging
/// path); publishing bind-mounts the staged filesystem, or the device node onto a file for block access. Every
/// call first repairs what a restart or a reboot lost (`ensureStaged`), so an identical retry always converges.
extension LoopDriver {
    func nodeStageVolume(_ request: NodeStageVolumeRequest) async throws -> NodeStageVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.stagingTargetPath.isEmpty else { throw CSIError.invalidArgument("stagingTargetPath is required") }
        guard let capability = request.volumeCapability else { throw CSIError.invalidArgument("volumeCapability is required") }
        if let reason = Self.unsupportedReason(capability) { throw CSIError.invalidArgument(reason) }
        let id = request.volumeId
        let path = request.stagingTargetPath
        return try await locks.withLock(id) {
            let volume = try existingVolume(id)
            var wanted = NodeRecord(stagingPath: path, block: false, fsType: nil, mountFlags: [], publications: [:])
            if case .mount(let mount) = capability.accessType {
                wanted.fsType = try Self.filesystem(mount, parameters: volume.parameters).rawValue
                wanted.mountFlags = mount.mountFlags
                if capability.accessMode?.mode == .singleNodeReaderOnly { wanted.mountFlags.append("ro") }
            } else {
                wanted.block = true
            }
            let existing = try store.nodeRecord(id)
            if let existing {
                guard existing.stagingPath == path else {
                    throw CSIError.failedPrecondition("volume \(id) is already staged at \(existing.stagingPath)")
                }
                guard existing.block == wanted.block, existing.fsType == wanted.fsType, existing.mountFlags == wanted.mountFlags else {
                    throw CSIError.alreadyExists("volume \(id) is staged at \(path) with another volume capability")
                }
            } else {
                try save(wanted, id)
            }
            do {
                _ = try await ensureStaged(id, existing ?? wanted)
            } catch {
                if existing == nil {
                    cleanUpFailedStage(id, path)
                }
                throw error
            }
            return NodeStageVolumeResponse()
        }
    }

    /// Attaches the volume's loop device (again, after a reboot) and, for mount access, mounts its filesystem at
    /// the staging path, formatting only a blank device. Returns the device.
    func ensureStaged(_ id: String, _ record: NodeRecord) async throws -> LoopDevice {
        let device: LoopDevice
        do {
            device = try LoopDevice.attach(backingFile: store.image(id), directIO: directIO)
        } catch {
            throw internalError("cannot attach volume \(id)", error)
        }
        if record.block { return device }
        let staging = record.stagingPath
        if let mounted = try MountInfo.mounted(at: staging) {
            guard mounted.source == device.path else {
                throw CSIError.failedPrecondition("staging path \(staging) has \(mounted.source) mounted, not volume \(id) (\(device.path))")
            }
            return device
        }
        let filesystem = Filesystem(rawValue: record.fsType ?? "ext4") ?? .ext4
        do {
            let contents = try BlockProbe.probe(device.path)
            if contents.isBlank {
                try await filesystem.format(device.path)
            } else if contents.type == filesystem.rawValue, contents.partitionTable == nil {
                if !record.mountFlags.contains("ro") { try await filesystem.check(device.path) }
            } else {
                throw CSIError.failedPrecondition("volume \(id) holds \(contents), not \(filesystem.rawValue); "
                    + "it is not formatted over (the data is left untouched)")
            }
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let (flags, data) = LoopMounts.parse(record.mountFlags)
            try Mount.mount(source: device.path, target: staging, type: filesystem.rawValue, flags: flags, data: data)
        } catch {
            throw internalError("cannot stage volume \(id) at \(staging)", error)
        }
        return device
    }

    /// After a failed first stage: nothing mounted, no loop device, no record.
    private func cleanUpFailedStage(_ id: String, _ path: String) {
        if !LoopMounts.isMountPoint(path) {
            for device in (try? LoopDevice.find(backingFile: store.image(id))) ?? [] { try? device.detach() }
        }
        try? store.removeNodeRecord(id)
    }

    func nodeUnstageVolume(_ request: NodeUnstageVolumeRequest) async throws -> NodeUnstageVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.stagingTargetPath.isEmpty else { throw CSIError.invalidArgument("stagingTargetPath is required") }
        let id = request.volumeId
        let path = request.stagingTargetPath
        return try await locks.withLock(id) {
            _ = try existingVolume(id)
            guard let record = try store.nodeRecord(id), record.stagingPath == path else { return NodeUnstageVolumeResponse() }
            guard record.publications.isEmpty else {
                throw CSIError.failedPrecondition("volume \(id) is still published at "
                    + record.publications.keys.sorted().joined(separator: ", ") + "; unpublish it first")
            }
            do {
                if !record.block { try Mount.unmountAll(path) }
                try await detachAndAwaitRelease(id)
                try store.removeNodeRecord(id)
            } catch {
                throw internalError("cannot unstage volume \(id) from \(path)", error)
            }
            return NodeUnstageVolumeResponse()
        }
    }

    func nodePublishVolume(_ request: NodePublishVolumeRequest) async throws -> NodePublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        guard let capability = request.volumeCapability else { throw CSIError.invalidArgument("volumeCapability is required") }
        if let reason = Self.unsupportedReason(capability) { throw CSIError.invalidArgument(reason) }
        let id = request.volumeId
        let target = request.targetPath
        let staging = request.stagingTargetPath
        return try await locks.withLock(id) {
            _ = try existingVolume(id)
            guard !staging.isEmpty else {
                throw CSIError.failedPrecondition("stagingTargetPath is required: volume \(id) must be staged before it is published")
            }
            guard var record = try store.nodeRecord(id), record.stagingPath == staging else {
                throw CSIError.failedPrecondition("volume \(id) is not staged at \(staging)")
            }
            var block = false
            if case .block = capability.accessType { block = true }
            guard record.block == block else {
                throw CSIError.failedPrecondition("volume \(id) is staged for \(record.block ? "block" : "mount") access")
            }
            let mode = capability.accessMode?.mode ?? .unknown
            let publication = NodeRecord.Publication(readOnly: request.readonly || mode == .singleNodeReaderOnly,
                                                     mode: mode.rawValue)
            var added = false
            if let existing = record.publications[target] {
                guard existing == publication else {
                    throw CSIError.alreadyExists("volume \(id) is already published at \(target) with other arguments"
                        + " (readonly \(existing.readOnly), access mode \(existing.mode))")
                }
                if LoopMounts.isMountPoint(target) { return NodePublishVolumeResponse() }
            } else {
                let singleWriter = VolumeCapability.AccessMode.Mode.singleNodeSingleWriter.rawValue
                if !record.publications.isEmpty,
                   mode.rawValue == singleWriter || record.publications.values.contains(where: { $0.mode == singleWriter }) {
                    throw CSIError.failedPrecondition("volume \(id) is SINGLE_NODE_SINGLE_WRITER and already published at "
                        + record.publications.keys.sorted().joined(separator: ", "))
                }
                record.publications[target] = publication
                try save(record, id)
                added = true
            }
            var created = false
            do {
                let device = try await ensureStaged(id, record)
                created = try makeTarget(target, file: block)
                try Mount.bind(block ? device.path : staging, to: target, readOnly: publication.readOnly)
            } catch {
                if created { try? removeTarget(target) }
                if added {
                    record.publications[target] = nil
                    try? save(record, id)
                }
                throw internalError("cannot publish volume \(id) at \(target)", error)
            }
            return NodePublishVolumeResponse()
        }
    }

    func nodeUnpublishVolume(_ request: NodeUnpublishVolumeRequest) async throws -> NodeUnpublishVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.targetPath.isEmpty else { throw CSIError.invalidArgument("targetPath is required") }
        let id = request.volumeId
        let target = request.targetPath
        return try await locks.withLock(id) {
            _ = try existingVolume(id)
            guard var record = try store.nodeRecord(id), record.publications[target] != nil else {
                return NodeUnpublishVolumeResponse()
            }
            do {
                try Mount.unmountAll(target)
                try removeTarget(target)
                record.publications[target] = nil
                try save(record, id)
            } catch {
                throw internalError("cannot unpublish volume \(id) from \(target)", error)
            }
            return NodeUnpublishVolumeResponse()
        }
    }

    func nodeGetVolumeStats(_ request: NodeGetVolumeStatsRequest) async throws -> NodeGetVolumeStatsResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumePath.isEmpty else { throw CSIError.invalidArgument("volumePath is required") }
        let id = request.volumeId
        let path = request.volumePath
        _ = try existingVolume(id)
        guard let record = try store.nodeRecord(id), path == record.stagingPath || record.publications[path] != nil,
              LoopMounts.isMountPoint(path) || (record.block && path == record.stagingPath) else {
            throw CSIError.notFound("volume \(id) is not published at \(path)")
        }
        do {
            if record.block {
                let device = path == record.stagingPath ? try LoopDevice.attach(backingFile: store.image(id)).path : path
                let size = try BlockDevice.size(device)
                return NodeGetVolumeStatsResponse(usage: [VolumeUsage(total: size, unit: .bytes)])
            }
            var info = statvfs()
            try checkedSystemCall("statvfs", path: path) { statvfs(path, &info) }
            let unit = Int64(info.f_frsize)
            let bytes = VolumeUsage(available: Int64(info.f_bavail) * unit, total: Int64(info.f_blocks) * unit,
                                    used: Int64(info.f_blocks - info.f_bfree) * unit, unit: .bytes)
            let inodes = VolumeUsage(available: Int64(info.f_ffree), total: Int64(info.f_files),
                                     used: Int64(info.f_files - info.f_ffree), unit: .inodes)
            return NodeGetVolumeStatsResponse(usage: [bytes, inodes], volumeCondition: VolumeCondition(abnormal: false, message: "mounted"))
        } catch {
            throw internalError("cannot measure volume \(id) at \(path)", error)
        }
    }

    func nodeExpandVolume(_ request: NodeExpandVolumeRequest) async throws -> NodeExpandVolumeResponse {
        guard !request.volumeId.isEmpty else { throw CSIError.invalidArgument("volumeId is required") }
        guard !request.volumePath.isEmpty else { throw CSIError.invalidArgument("volumePath is required") }
        let id = request.volumeId
        let path = request.volumePath
        return try await locks.withLock(id) {
            _ = try existingVolume(id)
            guard let record = try store.nodeRecord(id), path == record.stagingPath || record.publications[path] != nil else {
                throw CSIError.notFound("volume \(id) is not staged or published at \(path)")
            }
            let device = try await ensureStaged(id, record)
            do {
                try device.refreshCapacity()
                if !record.block {
                    let found = try BlockProbe.probe(device.path)
                    guard let type = found.type, let filesystem = Filesystem(rawValue: type) else {
                        throw CSIError.failedPrecondition("volume \(id) holds \(found); cannot grow it")
                    }
                    try await filesystem.grow(device: device.path, mountPoint: record.stagingPath)
                }
                return NodeExpandVolumeResponse(capacityBytes: try device.size())
            } catch {
                throw internalError("cannot expand volume \(id)", error)
            }
        }
    }

    // MARK: Helpers

    func save(_ record: NodeRecord, _ id: String) throws {
        do { try store.save(record, for: id) } catch { throw internalError("cannot record node state of volume \(id)", error) }
    }

    /// Creates the target (a directory, or an empty file for block access) when missing; true when created.
    private func makeTarget(_ target: String, file: Bool) throws -> Bool {
        var info = stat()
        if lstat(target, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            guard kind == (file ? S_IFREG : S_IFDIR) || (file && kind == S_IFBLK) else {
                throw CSIError.failedPrecondition("target \(target) exists and is not a \(file ? "file" : "directory")")
            }
            return false
        }
        if file {
            let fd = try checkedSystemCall("open", path: target) { open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600) }
            close(fd)
        } else {
            try checkedSystemCall("mkdir", path: target) { mkdir(target, 0o750) }
        }
        return true
    }

    /// Removes an unmounted target: an empty directory or a regular file; anything else is left alone.
    private func removeTarget(_ target: String) throws {
        var info = stat()
        guard lstat(target, &info) == 0 else { return }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: try checkedSystemCall("rmdir", path: target) { rmdir(target) }
        case S_IFREG: try checkedSystemCall("unlink", path: target) { unlink(target) }
        default: return
        }
    }
}
