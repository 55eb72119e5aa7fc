import Testing
@testable import StowageAPI

@Suite("Pod update validation")
struct PodUpdateTests {
    private let forbidden = "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        + "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

    private func base() -> Pod {
        var pod = Pod(name: "p", containers: [Container(name: "app", image: "nginx:1.25")], volumes: [.claim("data", claimName: "c")])
        pod.spec?.tolerations = [Toleration(key: "a", operator: "Exists")]
        pod.applyDefaults()
        return pod
    }

    @Test func unchangedAndImageChangesAreAllowed() {
        let old = base()
        #expect(old.validateUpdate(from: old).isEmpty)
        var new = old
        new.spec?.containers?[0].image = "nginx:1.26"
        new.metadata.labels = ["changed": "yes"]
        new.status?.phase = "Running"
        #expect(new.validateUpdate(from: old).isEmpty)
    }

    @Test func otherSpecChangesAreRefusedWithKubernetesText() {
        let old = base()
        var new = old
        new.spec?.restartPolicy = "Never"
        #expect(messages(new.validateUpdate(from: old)) == [forbidden])
        new = old
        new.spec?.volumes = [.claim("data", claimName: "other")]
        #expect(messages(new.validateUpdate(from: old)) == [forbidden])
        new = old
        new.spec?.containers?[0].command = ["sh"]
        #expect(messages(new.validateUpdate(from: old)) == [forbidden])
    }

    @Test func nodeNameMaySetOnceOnly() {
        let old = base()
        var placed = old
        placed.spec?.nodeName = "node-1"
        #expect(placed.validateUpdate(from: old).isEmpty)
        var moved = placed
        moved.spec?.nodeName = "node-2"
        #expect(messages(moved.validateUpdate(from: placed)) == [forbidden])
        var cleared = placed
        cleared.spec?.nodeName = nil
        #expect(messages(cleared.validateUpdate(from: placed)) == [forbidden])
    }

    @Test func tolerationsMayOnlyBeAdded() {
        let old = base()
        var added = old
        added.spec?.tolerations?.append(Toleration(key: "b", operator: "Exists"))
        #expect(added.validateUpdate(from: old).isEmpty)
        var removed = old
        removed.spec?.tolerations = []
        #expect(messages(removed.validateUpdate(from: old)) == [forbidden])
    }

    @Test func negativeGraceMayBecomeOne() {
        var old = base()
        old.spec?.terminationGracePeriodSeconds = -1
        var new = old
        new.spec?.terminationGracePeriodSeconds = 1
        #expect(new.validateUpdate(from: old).isEmpty)
        new.spec?.terminationGracePeriodSeconds = 5
        #expect(messages(new.validateUpdate(from: old)) == [forbidden])
    }
}
