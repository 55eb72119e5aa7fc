import Foundation
import Testing
@testable import StowageAPI

@Suite("CSIDriver")
struct CSIDriverTests {
    typealias T = StorageKindsTesting

    static let manifest = """
    {"apiVersion":"storage.k8s.io/v1","kind":"CSIDriver","metadata":{"name":"hostpath.stowage.dev"},
     "spec":{"attachRequired":false,"podInfoOnMount":true,"volumeLifecycleModes":["Persistent","Ephemeral"],
      "storageCapacity":true,"fsGroupPolicy":"File","tokenRequests":[{"audience":"vault","expirationSeconds":3600}],
      "requiresRepublish":false,"seLinuxMount":true,"nodeAllocatableUpdatePeriodSeconds":60}}
    """

    static func valid() -> CSIDriver {
        var driver = CSIDriver(name: "hostpath.stowage.dev")
        driver.applyDefaults()
        return driver
    }

    @Test func roundTripsAKubernetesManifest() throws {
        let driver = try T.roundTrip(CSIDriver.self, Self.manifest)
        #expect(driver.spec?.volumeLifecycleModes == ["Persistent", "Ephemeral"])
        #expect(driver.validate() == [])
        #expect(T.registered("csidrivers", CSIDriver.self))
    }

    @Test func defaults() {
        let spec = Self.valid().spec
        #expect(spec?.attachRequired == true)
        #expect(spec?.podInfoOnMount == false)
        #expect(spec?.volumeLifecycleModes == ["Persistent"])
        #expect(spec?.storageCapacity == false)
        #expect(spec?.fsGroupPolicy == "ReadWriteOnceWithFSType")
        #expect(spec?.requiresRepublish == false)
        #expect(spec?.seLinuxMount == false)
    }

    func errors(_ change: (inout CSIDriver) -> Void) -> [String] {
        var driver = Self.valid()
        change(&driver)
        return T.texts(driver.validate())
    }

    @Test func validation() {
        #expect(errors { $0.spec = CSIDriverSpec() } == [
            "spec.attachedRequired: Required value",
            "spec.podInfoOnMount: Required value",
            "spec.storageCapacity: Required value",
            "spec.seLinuxMount: Required value",
        ])
        #expect(errors { $0.spec?.nodeAllocatableUpdatePeriodSeconds = 5 } == [
            "spec.nodeAllocatableUpdatePeriodSeconds: Invalid value: 5: must be greater than or equal to 10 seconds",
        ])
        #expect(errors { $0.spec?.fsGroupPolicy = "Always" } == [
            "spec.fsGroupPolicy: Unsupported value: \"Always\": supported values: \"File\", \"None\", \"ReadWriteOnceWithFSType\"",
        ])
        #expect(errors { $0.spec?.volumeLifecycleModes = ["Transient"] } == [
            "spec.volumeLifecycleModes: Unsupported value: \"Transient\": supported values: \"Persistent\", \"Ephemeral\"",
        ])
        #expect(errors {
            $0.spec?.tokenRequests = [
                TokenRequest(audience: "a", expirationSeconds: 60),
                TokenRequest(audience: "b", expirationSeconds: (1 << 32) + 1),
                TokenRequest(audience: "a"),
            ]
        } == [
            "spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes",
            "spec.tokenRequests[1].expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds",
            "spec.tokenRequests[2].audience: Duplicate value: \"a\"",
        ])
    }

    @Test func update() {
        let old = Self.valid()
        func updateErrors(_ change: (inout CSIDriver) -> Void) -> [String] {
            var new = old
            change(&new)
            return T.texts(new.validateUpdate(from: old))
        }
        #expect(updateErrors { $0.spec?.podInfoOnMount = true; $0.spec?.storageCapacity = true } == [])
        #expect(updateErrors { $0.spec?.attachRequired = false } == [
            "spec.attachedRequired: Invalid value: false: field is immutable",
        ])
        #expect(updateErrors { $0.spec?.fsGroupPolicy = "None"; $0.spec?.requiresRepublish = true } == [])
        #expect(updateErrors { $0.spec?.volumeLifecycleModes = ["Ephemeral"] } == [
            "spec.volumeLifecycleModes: Invalid value: [\"Ephemeral\"]: field is immutable",
        ])
        var changed = old
        changed.spec?.podInfoOnMount = true
        #expect(changed.specDiffers(from: old))
    }
}
