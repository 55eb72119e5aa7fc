import Testing
@testable import StowageAPI

@Suite("StatefulSet update validation")
struct StatefulSetUpdateTests {
    private let forbidden = "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
        + "'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and "
        + "'minReadySeconds' are forbidden"

    private func update(_ change: (inout StatefulSetSpec) throws -> Void) throws -> [String] {
        let old = try makeWeb()
        var new = old
        try change(&new.spec!)
        new.applyDefaults()
        return messages(new.validateUpdate(from: old))
    }

    @Test func mutableFieldsMayChange() throws {
        #expect(try update { $0.replicas = 5 } == [])
        #expect(try update { $0.ordinals = StatefulSetOrdinals(start: 1) } == [])
        #expect(try update { $0.template?.spec?.containers?[0].image = "registry.k8s.io/nginx-slim:0.27" } == [])
        #expect(try update { $0.updateStrategy = StatefulSetUpdateStrategy(type: "OnDelete") } == [])
        #expect(try update { $0.revisionHistoryLimit = 3 } == [])
        #expect(try update { $0.minReadySeconds = 0 } == [])
        #expect(try update { $0.persistentVolumeClaimRetentionPolicy?.whenDeleted = "Delete" } == [])
    }

    @Test func serviceNameChangeIsRefused() throws {
        #expect(try update { $0.serviceName = "nginx-headless" } == [forbidden])
    }

    @Test func otherImmutableFieldsAreRefused() throws {
        #expect(try update { $0.podManagementPolicy = "Parallel" } == [forbidden])
        #expect(try update { $0.selector = LabelSelector(matchLabels: ["app": "nginx", "x": "y"]) } == [forbidden])
        #expect(try update { $0.volumeClaimTemplates?[0].spec?.accessModes = ["ReadWriteMany"] } == [forbidden])
        #expect(try update { $0.volumeClaimTemplates = [] } == [forbidden])
    }

    /// Beyond Kubernetes (#68737): growing a claim template's request is allowed; shrinking is not.
    @Test func claimTemplateStorageMayOnlyGrow() throws {
        #expect(try update { $0.volumeClaimTemplates?[0].spec?.resources?.requests?["storage"] = try Quantity(parsing: "2Gi") } == [])
        #expect(try update { $0.volumeClaimTemplates?[0].spec?.resources?.requests?["storage"] = try Quantity(parsing: "512Mi") } == [forbidden])
    }
}
