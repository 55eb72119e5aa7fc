import StowageAPI
import Testing

@Suite("ControllerRevision validation")
struct ControllerRevisionTests {
    static func revision(_ number: Int64, image: String = "nginx") -> ControllerRevision {
        ControllerRevision(metadata: ObjectMeta(name: "web-6c8d4b9f5", namespace: "default"),
                           data: ControllerRevisionData(template: PodTemplateSpec(labels: ["app": "web"], containers: [Container(name: "nginx", image: image)])),
                           revision: number)
    }

    @Test func dataIsRequiredAndTheRevisionNotNegative() {
        var missing = Self.revision(1)
        missing.data = nil
        #expect(missing.validate().map(\.description) == ["data: Required value"])
        #expect(Self.revision(-1).validate().map(\.description) == ["revision: Invalid value: -1: must be greater than or equal to 0"])
        #expect(Self.revision(3).validate().isEmpty)
    }

    @Test func theRevisionNumberMayChangeButNotTheData() {
        var renumbered = Self.revision(1)
        renumbered.metadata.resourceVersion = "5"
        var old = Self.revision(1)
        old.metadata.resourceVersion = "5"
        renumbered.revision = 4
        #expect(renumbered.validateUpdate(from: old).isEmpty)
        var changed = Self.revision(1, image: "nginx:2")
        changed.metadata.resourceVersion = "5"
        let errors = changed.validateUpdate(from: old).map(\.description)
        #expect(errors.count == 1 && errors[0].hasPrefix("data: Invalid value: {\"spec\":{\"template\":") && errors[0].contains("nginx:2")
                && errors[0].hasSuffix(": field is immutable"), "\(errors)")
    }
}
