#if canImport(Glibc)
import Glibc
#endif
import Foundation
import StowageCSI

/// `stowage bench provision`: what a claim costs on a running driver — CreateVolume + NodeStageVolume +
/// NodePublishVolume, one volume at a time (p50, p99), and volumes per second when many are provisioned at once.
/// Every volume is unpublished, unstaged and deleted afterwards (not timed).
public enum ProvisionBenchmark {
    /// Benchmark settings.
    public struct Options: Sendable {
        /// The driver's socket, `unix:///…`.
        public var endpoint: String
        /// Block or mount access.
        public var block: Bool
        /// `fsType` for mount access (empty: the driver's default).
        public var fsType: String
        /// Size of each volume.
        public var bytes: Int64
        /// Volumes provisioned one at a time for the latency figures.
        public var sequential: Int
        /// Volumes provisioned concurrently for the throughput figure (0: skip).
        public var concurrent: Int
        /// Parent of the staging and target paths (created, removed after).
        public var workDirectory: String
        public init(endpoint: String, block: Bool, fsType: String = "", bytes: Int64, sequential: Int = 50,
                    concurrent: Int = 100, workDirectory: String) {
            self.endpoint = endpoint
            self.block = block
            self.fsType = fsType
            self.bytes = bytes
            self.sequential = sequential
            self.concurrent = concurrent
            self.workDirectory = workDirectory
        }
    }

    /// Runs the measurements; returns one line per figure.
    public static func run(_ options: Options) async throws -> [String] {
        let client = try DriverClient(endpoint: options.endpoint, configuration: .init(timeout: .seconds(120), connections: 4))
        defer { client.close() }
        let capability: VolumeCapability = options.block
            ? .block(mode: .singleNodeWriter) : .mount(fsType: options.fsType, mode: .singleNodeWriter)
        let label = options.block ? "block" : (options.fsType.isEmpty ? "mount" : options.fsType)
        let run = "bench-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        var lines: [String] = []

        var latencies: [Duration] = []
        for index in 0..<options.sequential {
            let volume = Provisioned(name: "\(run)-s\(index)", directory: options.workDirectory)
            let started = ContinuousClock.now
            try await volume.provision(client, capability, bytes: options.bytes)
            latencies.append(ContinuousClock.now - started)
            try await volume.release(client)
        }
        latencies.sort()
        if !latencies.isEmpty {
            lines.append("provision \(label) \(options.bytes >> 20) MiB create+stage+publish: p50 \(milliseconds(percentile(latencies, 0.5))) ms, "
                + "p99 \(milliseconds(percentile(latencies, 0.99))) ms (n=\(latencies.count))")
        }

        if options.concurrent > 0 {
            let volumes = (0..<options.concurrent).map { Provisioned(name: "\(run)-c\($0)", directory: options.workDirectory) }
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for volume in volumes { group.addTask { try await volume.provision(client, capability, bytes: options.bytes) } }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - started
            for volume in volumes { try await volume.release(client) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            lines.append("provision \(label) \(options.bytes >> 20) MiB, \(options.concurrent) at once: "
                + String(format: "%.1f volumes/s (%.2f s)", Double(options.concurrent) / seconds, seconds))
        }
        try? FileManager.default.removeItem(atPath: options.workDirectory)
        return lines
    }

    /// One benchmark volume and its paths.
    struct Provisioned: Sendable {
        let name: String
        let staging: String
        let target: String
        init(name: String, directory: String) {
            self.name = name
            staging = "\(directory)/\(name)-staging"
            target = "\(directory)/\(name)-target"
        }

        func provision(_ client: DriverClient, _ capability: VolumeCapability, bytes: Int64) async throws {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            let created = try await client.createVolume(CreateVolumeRequest(
                name: name, capacityRange: CapacityRange(requiredBytes: bytes), volumeCapabilities: [capability]))
            let volume = created.volume ?? Volume(volumeId: name)
            _ = try await client.nodeStageVolume(NodeStageVolumeRequest(
                volumeId: volume.volumeId, stagingTargetPath: staging, volumeCapability: capability, volumeContext: volume.volumeContext))
            _ = try await client.nodePublishVolume(NodePublishVolumeRequest(
                volumeId: volume.volumeId, stagingTargetPath: staging, targetPath: target, volumeCapability: capability,
                volumeContext: volume.volumeContext))
        }

        func release(_ client: DriverClient) async throws {
            _ = try await client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: name, targetPath: target))
            _ = try await client.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: name, stagingTargetPath: staging))
            _ = try await client.deleteVolume(DeleteVolumeRequest(volumeId: name))
            rmdir(staging)
        }
    }

    static func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
        sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func milliseconds(_ d: Duration) -> String {
        String(format: "%.2f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }
}
