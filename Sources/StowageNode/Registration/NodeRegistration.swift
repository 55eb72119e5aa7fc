import Foundation
import StowageAPI
import StowageClient
import StowageControllers

/// Registers the node as kubelet does: a `Node` with the well-known labels (and each driver's topology segments as
/// labels), a Ready condition, addresses and system info; and a `CSINode` listing the drivers running on it with
/// their node ids and topology keys. Idempotent: run at start and whenever a driver appears.
struct NodeRegistration: Sendable {
    let cluster: any Cluster
    let nodeName: String
    let hostIP: String
    let drivers: DriverDirectory
    /// Set on the Node at every registration (a value that changed is replaced).
    var annotations: [String: String] = [:]

    func register() async throws {
        let registered = drivers.names.compactMap { drivers.driver(named: $0) }
        var labels = [
            "kubernetes.io/hostname": nodeName,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": SystemFacts.architecture,
        ]
        for driver in registered {
            for (key, value) in driver.topology { labels[key] = value }
        }
        let node = try await upsertNode(labels: labels)
        try await upsertCSINode(registered, owner: node)
    }

    private func upsertNode(labels: [String: String]) async throws -> Node {
        var node: Node
        if let existing = try await cluster.getIfPresent(Node.self, ObjectKey(name: nodeName)) {
            node = existing
            let merged = (existing.metadata.labels ?? [:]).merging(labels) { _, new in new }
            let annotated = (existing.metadata.annotations ?? [:]).merging(annotations) { _, new in new }
            if merged != existing.metadata.labels || annotated != (existing.metadata.annotations ?? [:]) {
                node.metadata.labels = merged
                node.metadata.annotations = annotated.isEmpty ? nil : annotated
                node = try await cluster.update(node)
            }
        } else {
            var created = Node(name: nodeName, labels: labels)
            if !annotations.isEmpty { created.metadata.annotations = annotations }
            node = try await cluster.create(created)
        }
        let now = Timestamp.now()
        var status = node.status ?? NodeStatus()
        let wasReady = status.conditions?.first { $0.type == "Ready" }?.status == "True"
        status.conditions = [NodeCondition(type: "Ready", status: "True", lastHeartbeatTime: now,
                                           lastTransitionTime: wasReady ? status.conditions?.first { $0.type == "Ready" }?.lastTransitionTime : now,
                                           reason: "KubeletReady", message: "stowage node agent is posting ready status")]
        status.addresses = [NodeAddress(type: "InternalIP", address: hostIP), NodeAddress(type: "Hostname", address: nodeName)]
        status.nodeInfo = NodeSystemInfo(bootID: SystemFacts.bootID, kernelVersion: SystemFacts.kernelRelease,
                                         osImage: SystemFacts.osImage, containerRuntimeVersion: "stowage://0.1.0",
                                         kubeletVersion: "v1.32.0-stowage", operatingSystem: "linux",
                                         architecture: SystemFacts.architecture)
        node.status = status
        return try await cluster.updateStatus(node)
    }

    private func upsertCSINode(_ registered: [RegisteredDriver], owner: Node) async throws {
        let entries = registered.map {
            CSINodeDriver(name: $0.name, nodeID: $0.nodeID, topologyKeys: $0.topology.isEmpty ? nil : $0.topology.keys.sorted())
        }
        let ownerReference = OwnerReference(apiVersion: "v1", kind: "Node", name: nodeName, uid: owner.metadata.uid ?? "")
        if var existing = try await cluster.getIfPresent(CSINode.self, ObjectKey(name: nodeName)) {
            guard existing.spec?.drivers != entries || existing.metadata.ownerReferences != [ownerReference] else { return }
            existing.spec = CSINodeSpec(drivers: entries)
            existing.metadata.ownerReferences = [ownerReference]
            _ = try await cluster.update(existing)
        } else {
            var csiNode = CSINode(name: nodeName, drivers: entries)
            csiNode.metadata.ownerReferences = [ownerReference]
            _ = try await cluster.create(csiNode)
        }
    }
}

/// Facts about this machine the Node reports.
enum SystemFacts {
    /// Kubernetes' spelling of the machine architecture (`amd64`, `arm64`, …).
    static var architecture: String {
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64": return "arm64"
        default: return machine
        }
    }

    static var kernelRelease: String { utsField(\.release) }

    static var bootID: String {
        ((try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `PRETTY_NAME` of `/etc/os-release`.
    static var osImage: String {
        let text = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
            return String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return "Linux"
    }

    private static var machine: String { utsField(\.machine) }

    private static func utsField<Field>(_ field: KeyPath<utsname, Field>) -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "" }
        let value = names[keyPath: field]
        return withUnsafeBytes(of: value) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The first non-loopback IPv4 address, else 127.0.0.1.
    static var hostIP: String {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return "127.0.0.1" }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET),
                  (entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK)) == 0 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            let found = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { ipv4 in
                var bits = ipv4.pointee.sin_addr
                return inet_ntop(AF_INET, &bits, &text, socklen_t(INET_ADDRSTRLEN)) != nil
            }
            if found { return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        return "127.0.0.1"
    }
}
