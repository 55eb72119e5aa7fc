import Foundation
import StowageAPI
import StowageClient
import StowageTesting
import Testing

/// Runs `body` against a fresh ``TestCluster`` and always stops it.
func withCluster(controllers: String = "*", drivers: [BuiltInDriver] = [],
                 _ body: (TestCluster) async throws -> Void) async throws {
    let cluster = try await TestCluster.start(controllers: controllers, drivers: drivers)
    do {
        try await body(cluster)
    } catch {
        await cluster.stop()
        throw error
    }
    await cluster.stop()
}

/// Manifests of the objects the rules talk about, small enough to read in a test.
enum Manifests {
    static func volume(_ name: String, size: String = "1Gi", modes: [String] = ["ReadWriteOnce"], storageClass: String? = nil,
                       volumeMode: String? = nil, labels: [String: String] = [:], reclaim: String = "Retain",
                       claimRef: (namespace: String, name: String)? = nil) -> String {
        var lines = ["apiVersion: v1", "kind: PersistentVolume", "metadata:", "  name: \(name)"]
        if !labels.isEmpty {
            lines.append("  labels:")
            for (key, value) in labels.sorted(by: { $0.key < $1.key }) { lines.append("    \(key): \"\(value)\"") }
        }
        lines += ["spec:", "  capacity:", "    storage: \(size)", "  accessModes: [\(modes.joined(separator: ", "))]",
                  "  persistentVolumeReclaimPolicy: \(reclaim)", "  hostPath:", "    path: /tmp/stowage-test-pv/\(name)"]
        if let storageClass { lines.append("  storageClassName: \"\(storageClass)\"") }
        if let volumeMode { lines.append("  volumeMode: \(volumeMode)") }
        if let claimRef {
            lines += ["  claimRef:", "    namespace: \(claimRef.namespace)", "    name: \(claimRef.name)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func claim(_ name: String, size: String = "1Gi", modes: [String] = ["ReadWriteOnce"], storageClass: String?? = .none,
                      volumeMode: String? = nil, volumeName: String? = nil, selector: [String: String] = [:]) -> String {
        var lines = ["apiVersion: v1", "kind: PersistentVolumeClaim", "metadata:", "  name: \(name)", "  namespace: default",
                     "spec:", "  accessModes: [\(modes.joined(separator: ", "))]", "  resources:", "    requests:", "      storage: \(size)"]
        if case .some(let storageClass) = storageClass { lines.append("  storageClassName: \"\(storageClass ?? "")\"") }
        if let volumeMode { lines.append("  volumeMode: \(volumeMode)") }
        if let volumeName { lines.append("  volumeName: \(volumeName)") }
        if !selector.isEmpty {
            lines += ["  selector:", "    matchLabels:"]
            for (key, value) in selector.sorted(by: { $0.key < $1.key }) { lines.append("      \(key): \"\(value)\"") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func storageClass(_ name: String, provisioner: String = "kubernetes.io/no-provisioner", isDefault: Bool = false,
                             bindingMode: String = "Immediate", reclaim: String = "Delete", expandable: Bool = false,
                             parameters: [String: String] = [:]) -> String {
        var lines = ["apiVersion: storage.k8s.io/v1", "kind: StorageClass", "metadata:", "  name: \(name)"]
        if isDefault { lines += ["  annotations:", "    storageclass.kubernetes.io/is-default-class: \"true\""] }
        lines += ["provisioner: \(provisioner)", "volumeBindingMode: \(bindingMode)", "reclaimPolicy: \(reclaim)",
                  "allowVolumeExpansion: \(expandable)"]
        if !parameters.isEmpty {
            lines.append("parameters:")
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) { lines.append("  \(key): \"\(value)\"") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pod(_ name: String, claims: [String], node: String?) -> String {
        var lines = ["apiVersion: v1", "kind: Pod", "metadata:", "  name: \(name)", "  namespace: default", "spec:"]
        if let node { lines.append("  nodeName: \(node)") }
        lines.append("  containers:")
        lines += ["  - name: app", "    image: busybox"]
        lines.append("  volumes:")
        for (index, claim) in claims.enumerated() {
            lines += ["  - name: v\(index)", "    persistentVolumeClaim:", "      claimName: \(claim)"]
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PersistentVolumeClaim {
    var isBound: Bool { status?.phase == PersistentVolumeClaimPhase.bound }
}

extension TestCluster {
    /// Waits until the claim is Bound and returns the name of its volume.
    func boundVolume(of claim: String, timeout: Duration = .seconds(30)) async throws -> String {
        try await waitFor(PersistentVolumeClaim.self, "default/\(claim)", timeout: timeout) { $0.isBound }.spec?.volumeName ?? ""
    }

    /// Waits until the claim has an event with `reason`, and checks it stayed Pending.
    func expectPending(_ claim: String, reason: String, containing text: String? = nil) async throws {
        try await waitForEvent(about: PersistentVolumeClaim.self, "default/\(claim)", reason: reason, containing: text)
        let current = try await cluster.get(PersistentVolumeClaim.self, ObjectKey("default/\(claim)"))
        #expect(current.status?.phase == PersistentVolumeClaimPhase.pending, "\(claim) should be Pending")
        #expect((current.spec?.volumeName ?? "").isEmpty || current.metadata.annotation(StorageAnnotation.bindCompleted) == nil)
    }
}
