import Logging
import StowageAPI
import StowageClient
import StowageControllers
import StowageCSI

/// Publishes what this node's drivers can still provision, as external-provisioner does with capacity tracking:
/// for each running driver that offers `GET_CAPACITY` and each StorageClass it provisions, one
/// `CSIStorageCapacity` in `kube-system` whose `nodeTopology` selects this node (the driver's topology segments,
/// else `kubernetes.io/hostname`), with GetCapacity's `available_capacity` and `maximum_volume_size`. Objects of
/// classes or drivers that went away are deleted; all are owned by the Node. A driver without a CSIDriver object
/// gets one (`storageCapacity` true when it reports capacity, no attach), so placement consults these figures;
/// a CSIDriver someone made is never changed.
struct CapacityPublisher: Sendable {
    static let namespace = "kube-system"
    static let driverLabel = "csi.storage.k8s.io/drivername"
    static let managedByLabel = "csi.storage.k8s.io/managed-by"

    let cluster: any Cluster
    let nodeName: String
    let drivers: DriverDirectory
    let logger: Logger

    var managedBy: String { "stowage-node-\(nodeName)" }

    func publish() async throws {
        guard let node = try await cluster.getIfPresent(Node.self, ObjectKey(name: nodeName)) else { return }
        let classes = try await cluster.list(StorageClass.self, ListOptions()).items
        var wanted: [String: CSIStorageCapacity] = [:]
        var unanswered: Set<String> = []
        for name in drivers.names {
            guard let driver = drivers.driver(named: name) else { continue }
            do {
                wanted.merge(try await capacities(of: driver, classes: classes, node: node)) { _, new in new }
            } catch {
                // Its figures stay as they were rather than vanish: a driver that does not answer now may next time.
                logger.warning("driver did not report its capacity", metadata: ["driver": "\(name)", "error": "\(error)"])
                unanswered.insert(name)
            }
        }
        let existing = try await cluster.list(CSIStorageCapacity.self, ListOptions(
            namespace: Self.namespace, labelSelector: "\(Self.managedByLabel)=\(managedBy)")).items
        for old in existing where !unanswered.contains(old.metadata.labels?[Self.driverLabel] ?? "") {
            let key = ObjectKey(namespace: Self.namespace, name: old.metadata.name ?? "")
            guard var desired = wanted.removeValue(forKey: key.name), desired.storageClassName == old.storageClassName,
                  desired.nodeTopology == old.nodeTopology else {
                _ = try? await cluster.delete(CSIStorageCapacity.self, key)
                continue
            }
            guard desired.capacity != old.capacity || desired.maximumVolumeSize != old.maximumVolumeSize
                    || desired.metadata.labels != old.metadata.labels else { continue }
            let labels = desired.metadata.labels
            desired.metadata = old.metadata
            desired.metadata.labels = labels
            _ = try await cluster.update(desired)
        }
        for capacity in wanted.values { _ = try await cluster.create(capacity) }
    }

    /// The capacity objects one driver should have, by name (none when it does not report capacity).
    private func capacities(of driver: RegisteredDriver, classes: [StorageClass], node: Node) async throws -> [String: CSIStorageCapacity] {
        let name = driver.name
        var wanted: [String: CSIStorageCapacity] = [:]
        // A node-only driver (emptydir) has no controller service to ask: it neither provisions nor reports capacity.
        let plugin = try await driver.client.getPluginCapabilities(timeout: .seconds(10)).capabilities
        let capabilities = plugin.contains(.service(.controllerService))
            ? try await driver.client.controllerGetCapabilities(timeout: .seconds(10)).capabilities : []
        let reportsCapacity = capabilities.contains(.rpc(.getCapacity))
        try await ensureCSIDriver(name, storageCapacity: reportsCapacity, provisions: capabilities.contains(.rpc(.createDeleteVolume)))
        guard reportsCapacity else { return [:] }
        let segments = driver.topology.isEmpty ? ["kubernetes.io/hostname": nodeName] : driver.topology
        for storageClass in classes where storageClass.provisioner == name {
            guard let className = storageClass.metadata.name else { continue }
            let answer = try await driver.client.getCapacity(GetCapacityRequest(
                volumeCapabilities: [.mount(mode: .singleNodeWriter)], parameters: storageClass.parameters ?? [:],
                accessibleTopology: driver.topology.isEmpty ? nil : Topology(segments: driver.topology)), timeout: .seconds(10))
            let objectName = Self.objectName(className: className, nodeName: nodeName)
            wanted[objectName] = CSIStorageCapacity(
                metadata: ObjectMeta(name: objectName, namespace: Self.namespace,
                                     labels: [Self.driverLabel: name, Self.managedByLabel: managedBy],
                                     ownerReferences: [OwnerReference(apiVersion: "v1", kind: "Node", name: nodeName,
                                                                      uid: node.metadata.uid ?? "")]),
                nodeTopology: LabelSelector(matchLabels: segments), storageClassName: className,
                capacity: Quantity(bytes: answer.availableCapacity),
                maximumVolumeSize: answer.maximumVolumeSize.map { Quantity(bytes: $0) })
        }
        return wanted
    }

    /// `<class>-<node>` when that is a valid name, else `csisc-` and a hash of both.
    static func objectName(className: String, nodeName: String) -> String {
        let plain = "\(className)-\(nodeName)"
        if plain.count <= 253 { return plain }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(className)/\(nodeName)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "csisc-" + String(hash, radix: 16)
    }

    /// A driver that provisions serves `Persistent` volumes, one that does not (emptydir) inline `Ephemeral` ones.
    private func ensureCSIDriver(_ name: String, storageCapacity: Bool, provisions: Bool) async throws {
        guard try await cluster.getIfPresent(CSIDriver.self, ObjectKey(name: name)) == nil else { return }
        let driver = CSIDriver(name: name, spec: CSIDriverSpec(
            attachRequired: false, podInfoOnMount: false, volumeLifecycleModes: [provisions ? "Persistent" : "Ephemeral"],
            storageCapacity: storageCapacity))
        do {
            _ = try await cluster.create(driver)
        } catch let error as APIError where error.reason == .alreadyExists {
            return
        }
    }
}
