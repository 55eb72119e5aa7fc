import Foundation
import StowageAPI
import StowageCSI
import StowageClient
import StowageLinux
import StowageTesting
import Testing

/// Online ext4 growth needs CAP_SYS_RESOURCE, which some sandboxes drop even for root; XFS grows with
/// CAP_SYS_ADMIN. The test grows ext4 where it can and XFS otherwise, and says which.
enum ExpansionHost {
    static var canRun: Bool {
        geteuid() == 0 && access("/dev/loop-control", F_OK) == 0 && access("/usr/sbin/mkfs.ext4", X_OK) == 0
    }
    static var canResizeExt4Online: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return false }
        return mask & (1 << 24) != 0
    }
    /// ext4 64Mi → 128Mi, or XFS (whose smallest filesystem is 300 MiB) 320Mi → 400Mi.
    static var plan: (fsType: String, from: Int64, to: Int64) {
        canResizeExt4Online || access("/usr/sbin/mkfs.xfs", X_OK) != 0 ? ("ext4", 64, 128) : ("xfs", 320, 400)
    }
}

@Suite("Expander with the loop driver", .enabled(if: ExpansionHost.canRun, "needs root, /dev/loop-control and mkfs.ext4; CI runs as root"))
struct ExpansionTests {
    static func expandableClass(_ fsType: String) -> String {
        Manifests.storageClass("grow", provisioner: "loop.stowage.dev", expandable: true, parameters: ["csi.storage.k8s.io/fstype": fsType])
    }

    @Test("a mounted loop volume grows when its claim's request is raised: device, filesystem, PV and claim")
    func growsWhileMounted() async throws {
        let plan = ExpansionHost.plan
        try await withCluster(drivers: [.loop]) { cluster in
            try await cluster.apply(Self.expandableClass(plan.fsType))
            try await cluster.apply(Manifests.claim("data", size: "\(plan.from)Mi", storageClass: .some("grow")))
            let volumeName = try await cluster.boundVolume(of: "data", timeout: .seconds(60))
            let volume = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: volumeName))
            let handle = try #require(volume.spec?.csi?.volumeHandle)
            // Stage it where the node agent stages volumes, and keep data on it.
            let staging = "\(cluster.stagingDirectory)/loop.stowage.dev/\(handle)"
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let driver = try DriverClient(endpoint: "unix://\(cluster.pluginsDirectory)/loop.sock")
            defer { driver.close() }
            let capability = VolumeCapability(accessType: .mount(.init(fsType: plan.fsType)), accessMode: .init(mode: .singleNodeWriter))
            _ = try await driver.nodeStageVolume(NodeStageVolumeRequest(
                volumeId: handle, stagingTargetPath: staging, volumeCapability: capability, volumeContext: volume.spec?.csi?.volumeAttributes ?? [:]))
            try Data("kept".utf8).write(to: URL(fileURLWithPath: "\(staging)/marker"))
            let before = try FilesystemStats(path: staging).totalBytes

            var claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))
            claim.spec?.resources?.requests?["storage"] = .mebibytes(plan.to)
            _ = try await cluster.cluster.update(claim)
            let grown = try await cluster.waitFor(PersistentVolumeClaim.self, "default/data", timeout: .seconds(60)) {
                ($0.status?.capacity?["storage"]).map { $0 >= .mebibytes(plan.to) } ?? false
            }
            #expect(grown.status?.conditions == nil, "no Resizing or FileSystemResizePending left")
            let after = try FilesystemStats(path: staging).totalBytes
            #expect(after > before, "\(plan.fsType): \(before) → \(after) bytes")
            #expect(Double(after - before) > Double((plan.to - plan.from) << 20) * 0.9,
                    "\(plan.fsType) grew by about \(plan.to - plan.from) MiB: \(before) → \(after) bytes")
            #expect(try String(contentsOfFile: "\(staging)/marker", encoding: .utf8) == "kept")
            let pv = try await cluster.cluster.get(PersistentVolume.self, ObjectKey(name: volumeName))
            #expect(pv.storageCapacity.map { $0 >= .mebibytes(plan.to) } == true)
            try await cluster.waitForEvent(about: PersistentVolumeClaim.self, "default/data", reason: "FileSystemResizeSuccessful")

            _ = try await driver.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: handle, stagingTargetPath: staging))
            try await cluster.cluster.delete(PersistentVolumeClaim.self, ObjectKey("default/data"))
            try await cluster.waitForDeletion(PersistentVolume.self, volumeName, timeout: .seconds(60))
        }
    }

    @Test("a shrink is refused; growth on a class without allowVolumeExpansion is refused, with Kubernetes' words")
    func refusals() async throws {
        try await withCluster { cluster in
            try await cluster.apply(Manifests.storageClass("fixed"))
            try await cluster.apply(Manifests.volume("pv1", size: "2Gi", storageClass: "fixed"))
            try await cluster.apply(Manifests.claim("data", size: "1Gi", storageClass: .some("fixed")))
            _ = try await cluster.boundVolume(of: "data")
            let bound = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/data"))

            var shrink = bound
            shrink.spec?.resources?.requests?["storage"] = .mebibytes(512)
            let shrinkError = await #expect(throws: APIError.self) { _ = try await cluster.cluster.update(shrink) }
            #expect(shrinkError?.message.contains("field can not be less than status.capacity") == true, "\(shrinkError?.message ?? "")")

            var grow = bound
            grow.spec?.resources?.requests?["storage"] = .gibibytes(3)
            let growError = await #expect(throws: APIError.self) { _ = try await cluster.cluster.update(grow) }
            #expect(growError?.reason == .forbidden)
            #expect(growError?.message.contains("the storageclass that provisions the pvc must support resize") == true, "\(growError?.message ?? "")")
        }
    }
}
