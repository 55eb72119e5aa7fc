import Foundation
import Testing
@testable import StowageAPI

@Suite("PersistentVolumeClaim update")
struct PersistentVolumeClaimUpdateTests {
    typealias T = StorageKindsTesting

    static let immutable =
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"

    /// A defaulted claim, optionally bound with `capacity` in its status.
    func claim(bound: Bool = false, capacity: String? = nil) -> PersistentVolumeClaim {
        var pvc = PersistentVolumeClaimTests.valid()
        pvc.applyDefaults()
        if bound {
            pvc.spec?.volumeName = "pv-1"
            pvc.status = PersistentVolumeClaimStatus(
                phase: "Bound", capacity: capacity.map { ["storage": T.q($0)] })
        }
        return pvc
    }

    func updateErrors(_ old: PersistentVolumeClaim, _ change: (inout PersistentVolumeClaim) -> Void) -> [String] {
        var new = old
        change(&new)
        return T.texts(new.validateUpdate(from: old))
    }

    @Test func unchangedIsValid() {
        #expect(updateErrors(claim()) { _ in } == [])
        #expect(updateErrors(claim(bound: true)) { $0.metadata.labels = ["a": "b"] } == [])
    }

    @Test func volumeNameMayBeSetOnce() {
        #expect(updateErrors(claim()) { $0.spec?.volumeName = "pv-9" } == [])
        #expect(updateErrors(claim(bound: true)) { $0.spec?.volumeName = "pv-9" } == [Self.immutable])
    }

    @Test func specIsOtherwiseImmutable() {
        #expect(updateErrors(claim()) { $0.spec?.accessModes = ["ReadWriteMany"] } == [Self.immutable])
        #expect(updateErrors(claim(bound: true)) { $0.spec?.selector = LabelSelector(matchLabels: ["a": "b"]) } == [Self.immutable])
        #expect(updateErrors(claim()) {
            $0.spec?.storageClassName = "fast"
            $0.spec?.accessModes = ["ReadOnlyMany"]
        } == [Self.immutable])
    }

    @Test func requestsChangeOnlyWhenBound() {
        #expect(updateErrors(claim()) { $0.spec?.resources?.requests = ["storage": T.q("2Gi")] } == [Self.immutable])
        #expect(updateErrors(claim(bound: true, capacity: "1Gi")) {
            $0.spec?.resources?.requests = ["storage": T.q("2Gi")]
        } == [])
        #expect(updateErrors(claim(bound: true)) { $0.spec?.resources?.limits = ["storage": T.q("2Gi")] } == [Self.immutable])
    }

    @Test func shrinkingIsRefused() {
        var grown = claim(bound: true, capacity: "1Gi")
        grown.spec?.resources?.requests = ["storage": T.q("4Gi")]
        #expect(updateErrors(grown) { $0.spec?.resources?.requests = ["storage": T.q("1Gi")] } == [
            "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity",
        ])
        #expect(updateErrors(grown) { $0.spec?.resources?.requests = ["storage": T.q("512Mi")] } == [
            "spec.resources.requests.storage: Forbidden: field can not be less than status.capacity",
        ])
        // Recovering from a failed expansion: back down, but still above the real capacity.
        #expect(updateErrors(grown) { $0.spec?.resources?.requests = ["storage": T.q("2Gi")] } == [])

        var unknown = claim(bound: true)
        unknown.spec?.resources?.requests = ["storage": T.q("4Gi")]
        #expect(updateErrors(unknown) { $0.spec?.resources?.requests = ["storage": T.q("2Gi")] } == [
            "spec.resources.requests.storage: Forbidden: field can not be less than previous value",
        ])
    }

    @Test func storageClassMayBeFilledWhenAbsent() {
        #expect(updateErrors(claim()) { $0.spec?.storageClassName = "standard" } == [])
        var noClass = claim()
        noClass.spec?.storageClassName = ""
        #expect(updateErrors(noClass) { $0.spec?.storageClassName = "standard" } == [Self.immutable])
        var classed = claim()
        classed.spec?.storageClassName = "fast"
        #expect(updateErrors(classed) { $0.spec?.storageClassName = "slow" } == [Self.immutable])
        #expect(updateErrors(classed) { $0.spec?.storageClassName = nil } == [Self.immutable])
    }

    @Test func volumeModeIsImmutable() {
        #expect(updateErrors(claim()) { $0.spec?.volumeMode = "Block" } == [
            Self.immutable, "spec.volumeMode: Invalid value: \"Block\": field is immutable",
        ])
    }

    @Test func volumeAttributesClassChangesWhenBound() {
        #expect(updateErrors(claim(bound: true)) { $0.spec?.volumeAttributesClassName = "gold" } == [])
        #expect(updateErrors(claim()) { $0.spec?.volumeAttributesClassName = "gold" } == [Self.immutable])
    }

    @Test func specDiffersAndTakeStatus() {
        let old = claim()
        var new = old
        #expect(!new.specDiffers(from: old))
        new.spec?.volumeName = "pv-1"
        #expect(new.specDiffers(from: old))
        new.takeStatus(from: claim(bound: true))
        #expect(new.status?.phase == "Bound")
    }
}
