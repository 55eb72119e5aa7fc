import Synchronization

/// How the binder hands a claim straight to the provisioner running in the same process: when it marks a claim
/// for provisioning (`volume.kubernetes.io/storage-provisioner`) and this process's provisioner has that driver
/// for the claim's node, the same write puts on ``ProvisioningFinalizer/volumeInFlight``, which the provisioner
/// would otherwise add in a write of its own before `CreateVolume`. One synced commit fewer per provisioned claim.
///
/// The finalizer means the same either way: the claim stays until the provisioner has recorded the volume or
/// made sure none exists. A claim deleted after the hand-over and before this process called `CreateVolume` is
/// let go without asking the driver (nothing was created); after a restart the provisioner cannot know that and
/// asks the driver, as for any claim it finds in flight.
public final class ProvisioningHandOver: Sendable {
    let drivers: DriverDirectory
    private let handed = Mutex<Set<String>>([])

    /// Hand-overs to the provisioner that serves the drivers of `drivers`.
    public init(drivers: DriverDirectory) {
        self.drivers = drivers
    }

    /// Whether a claim for `provisioner`, on `selectedNode` when set, is this process's to provision now.
    func accepts(provisioner: String, selectedNode: String?) -> Bool {
        guard let driver = drivers.driver(named: provisioner) else { return false }
        return (selectedNode ?? "").isEmpty || selectedNode == driver.nodeID
    }

    /// Notes that the binder put the in-flight finalizer on the claim with `uid`.
    func handOver(_ uid: String) { _ = handed.withLock { $0.insert(uid) } }

    /// Whether this process's binder put the in-flight finalizer on the claim with `uid`.
    func wasHandedOver(_ uid: String) -> Bool { handed.withLock { $0.contains(uid) } }

    /// Forgets a claim that is gone.
    func forget(_ uid: String) { _ = handed.withLock { $0.remove(uid) } }
}
