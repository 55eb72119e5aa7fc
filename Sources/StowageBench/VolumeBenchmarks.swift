import Foundation
import StowageCSI

/// `stowage bench volumes`: what a volume costs through a real driver — create + stage + publish latency
/// (p50, p99), one volume at a time, and volumes per second when many are provisioned concurrently.
///
/// The driver must already be running at `endpoint`; every volume made is unpublished, unstaged and deleted
/// again (not timed). Staging happens only when the driver advertises STAGE_UNSTAGE_VOLUME.
public enum VolumeBenchmarks {
    /// Benchmark settings.
    public struct Options: Sendable {
        /// The driver's socket, `unix:///…`.
        public var endpoint: String
        /// Volumes created one at a time for the latency figures.
        public var sequential: Int
        /// Volumes provisioned at once for the throughput figures.
        public var concurrent: Int
        /// Requested size of each volume.
        public var sizeBytes: Int64
        /// Mount (a directory target) or block (a file target).
        public var block: Bool
        /// StorageClass parameters for CreateVolume.
        public var parameters: [String: String]
        /// Where staging and target paths go (created; removed after).
        public var workDirectory: String
        public init(endpoint: String, sequential: Int = 200, concurrent: Int = 100, sizeBytes: Int64 = 16 << 20,
                    block: Bool = false, parameters: [String: String] = [:],
                    workDirectory: String = "/tmp/stowage-bench-volumes-\(getpid())") {
            self.endpoint = endpoint
            self.sequential = sequential
            self.concurrent = concurrent
            self.sizeBytes = sizeBytes
            self.block = block
            self.parameters = parameters
            self.workDirectory = workDirectory
        }
    }

    private struct Made: Sendable {
        var volumeId: String
        var staging: String?
        var target: String?
        /// How long CreateVolume took.
        var createDuration: Duration = .zero
        /// How long the CO's part took: making the parent directories of the staging and target paths (the
        /// driver makes the paths themselves). Not counted in the driver's latency.
        var preparation: Duration = .zero
    }

    /// Runs the measurements and returns one line per figure.
    public static func run(_ options: Options) async throws -> [String] {
        let client = try DriverClient(endpoint: options.endpoint, configuration: .init(timeout: .seconds(120), connections: 4))
        defer { client.close() }
        try FileManager.default.createDirectory(atPath: options.workDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: options.workDirectory) }
        let stages = try await client.nodeGetCapabilities(NodeGetCapabilitiesRequest()).has(.stageUnstageVolume)
        let name = try await client.getPluginInfo().name
        let run = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        var lines = ["driver \(name) (staging: \(stages ? "yes" : "no, not advertised")), \(options.sizeBytes >> 20) MiB volumes, \(options.block ? "block" : "mount") access"]

        var latencies: [Duration] = []
        var creates: [Duration] = []
        var preparations: [Duration] = []
        var made: [Made] = []
        for index in 0..<options.sequential {
            let start = ContinuousClock.now
            let volume = try await provision(client, options, name: "bench-\(run)-s\(index)", stages: stages, publish: true)
            latencies.append(ContinuousClock.now - start - volume.preparation)
            creates.append(volume.createDuration)
            preparations.append(volume.preparation)
            made.append(volume)
        }
        try await release(client, made)
        latencies.sort()
        creates.sort()
        preparations.sort()
        lines.append("create+\(stages ? "stage+" : "")publish, one at a time (\(options.sequential)), the driver's calls: "
                     + "p50 \(milliseconds(latencies[latencies.count / 2])) ms, p99 \(milliseconds(latencies[min(latencies.count - 1, latencies.count * 99 / 100)])) ms "
                     + "(CreateVolume alone p50 \(milliseconds(creates[creates.count / 2])) ms; not counted, the CO making the target's parent "
                     + "directory\(stages ? " and the staging directory" : ""): p50 \(milliseconds(preparations[preparations.count / 2])) ms)")

        for publish in [false, true] {
            let start = ContinuousClock.now
            let volumes = try await withThrowingTaskGroup(of: Made.self) { group in
                for index in 0..<options.concurrent {
                    group.addTask {
                        try await provision(client, options, name: "bench-\(run)-\(publish ? "p" : "c")\(index)", stages: stages, publish: publish)
                    }
                }
                return try await group.reduce(into: [Made]()) { $0.append($1) }
            }
            let elapsed = ContinuousClock.now - start
            try await release(client, volumes)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            lines.append("\(options.concurrent) concurrent \(publish ? "create+\(stages ? "stage+" : "")publish" : "CreateVolume"): "
                         + "\(milliseconds(elapsed)) ms, \(Int(Double(options.concurrent) / seconds)) volumes/s")
        }
        return lines
    }

    private static func provision(_ client: DriverClient, _ options: Options, name: String, stages: Bool,
                                  publish: Bool) async throws -> Made {
        let capability: VolumeCapability = options.block ? .block(mode: .singleNodeWriter) : .mount(mode: .singleNodeWriter)
        let started = ContinuousClock.now
        let response = try await client.createVolume(CreateVolumeRequest(
            name: name, capacityRange: CapacityRange(requiredBytes: options.sizeBytes), volumeCapabilities: [capability],
            parameters: options.parameters))
        guard let volume = response.volume else { throw CSIError.internal("CreateVolume answered without a volume") }
        var made = Made(volumeId: volume.volumeId, createDuration: ContinuousClock.now - started)
        guard publish else { return made }
        if stages {
            let staging = "\(options.workDirectory)/staging-\(name)"
            let preparing = ContinuousClock.now
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            made.preparation += ContinuousClock.now - preparing
            _ = try await client.nodeStageVolume(NodeStageVolumeRequest(
                volumeId: volume.volumeId, stagingTargetPath: staging, volumeCapability: capability, volumeContext: volume.volumeContext))
            made.staging = staging
        }
        let parent = "\(options.workDirectory)/pod-\(name)"
        let preparing = ContinuousClock.now
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        made.preparation += ContinuousClock.now - preparing
        _ = try await client.nodePublishVolume(NodePublishVolumeRequest(
            volumeId: volume.volumeId, stagingTargetPath: made.staging ?? "", targetPath: "\(parent)/volume",
            volumeCapability: capability, volumeContext: volume.volumeContext))
        made.target = "\(parent)/volume"
        return made
    }

    private static func release(_ client: DriverClient, _ volumes: [Made]) async throws {
        for volume in volumes {
            if let target = volume.target {
                _ = try await client.nodeUnpublishVolume(NodeUnpublishVolumeRequest(volumeId: volume.volumeId, targetPath: target))
            }
            if let staging = volume.staging {
                _ = try await client.nodeUnstageVolume(NodeUnstageVolumeRequest(volumeId: volume.volumeId, stagingTargetPath: staging))
            }
            _ = try await client.deleteVolume(DeleteVolumeRequest(volumeId: volume.volumeId))
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.2f", value)
    }
}
