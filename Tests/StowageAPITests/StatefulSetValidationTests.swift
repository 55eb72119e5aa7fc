import Testing
@testable import StowageAPI

/// Every StatefulSet validation case, checked against Kubernetes' exact message and field path.
@Suite("StatefulSet validation")
struct StatefulSetValidationTests {
    private func errors(_ change: (inout StatefulSetSpec) -> Void) throws -> [String] {
        var set = try makeWeb()
        change(&set.spec!)
        return messages(set.validate())
    }

    @Test func selectorRequiredAndNotEmpty() throws {
        #expect(try errors { $0.selector = nil } == ["spec.selector: Required value"])
        #expect(try errors { $0.selector = LabelSelector(matchLabels: [:]) } == [
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset",
        ])
    }

    @Test func selectorMustMatchTemplateLabels() throws {
        #expect(try errors { $0.template?.metadata?.labels = ["app": "web", "tier": "front"] } == [
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`",
        ])
        #expect(try errors { $0.template?.metadata?.labels = nil } == [
            "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
        ])
        // Extra template labels are fine; expressions are honoured.
        #expect(try errors { $0.template?.metadata?.labels = ["app": "nginx", "tier": "front"] } == [])
        #expect(try errors {
            $0.selector = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "app", operator: "In", values: ["nginx", "web"])])
        } == [])
        #expect(try errors {
            $0.selector = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "app", operator: "NotIn", values: ["nginx"])])
        } == [
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`",
        ])
    }

    @Test func countsMustNotBeNegative() throws {
        #expect(try errors { $0.replicas = -1 } == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"])
        #expect(try errors { $0.minReadySeconds = -1 } == ["spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"])
        #expect(try errors { $0.ordinals = StatefulSetOrdinals(start: -1) } == ["spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"])
        #expect(try errors { $0.replicas = 0; $0.ordinals = StatefulSetOrdinals(start: 3) } == [])
    }

    @Test func podManagementPolicy() throws {
        #expect(try errors { $0.podManagementPolicy = "Random" } == ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"])
        #expect(try errors { $0.podManagementPolicy = "" } == ["spec.podManagementPolicy: Required value"])
        #expect(try errors { $0.podManagementPolicy = "Parallel" } == [])
    }

    @Test func updateStrategy() throws {
        #expect(try errors { $0.updateStrategy = StatefulSetUpdateStrategy(type: "Sometimes") } == [
            "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Sometimes\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
        ])
        #expect(try errors { $0.updateStrategy = StatefulSetUpdateStrategy(type: "") } == ["spec.updateStrategy: Required value"])
        #expect(try errors { $0.updateStrategy = StatefulSetUpdateStrategy(type: "OnDelete", rollingUpdate: RollingUpdateStatefulSetStrategy(partition: 0)) } == [
            "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'",
        ])
        #expect(try errors { $0.updateStrategy?.rollingUpdate?.partition = -1 } == [
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
        ])
        #expect(try errors { $0.updateStrategy = StatefulSetUpdateStrategy(type: "OnDelete") } == [])
    }

    @Test func maxUnavailable() throws {
        func with(_ value: IntOrString) throws -> [String] {
            try errors { $0.updateStrategy?.rollingUpdate?.maxUnavailable = value }
        }
        #expect(try with(.int(2)) == [])
        #expect(try with(.string("50%")) == [])
        #expect(try with(.int(0)) == [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0",
        ])
        #expect(try with(.string("0%")) == [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: cannot be 0",
        ])
        #expect(try with(.string("150%")) == [
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ])
        #expect(try with(.int(-1)) == ["spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0"])
        #expect(try with(.string("half")).first?.hasSuffix(
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%', or '93%', regex used for validation is '[0-9]+%')") == true)
    }

    @Test func retentionPolicy() throws {
        #expect(try errors { $0.persistentVolumeClaimRetentionPolicy = StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Keep", whenScaled: "Delete") } == [
            "spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: \"Keep\": supported values: \"Retain\", \"Delete\"",
        ])
        #expect(try errors { $0.persistentVolumeClaimRetentionPolicy = StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Delete", whenScaled: "Drop") } == [
            "spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Drop\": supported values: \"Retain\", \"Delete\"",
        ])
    }

    @Test func templateRestartPolicyMustBeAlways() throws {
        #expect(try errors { $0.template?.spec?.restartPolicy = "Never" } == [
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ])
    }

    @Test func templatePodSpecIsValidatedWithClaimTemplatesAsVolumes() throws {
        #expect(try errors { $0.template?.spec?.containers?[0].volumeMounts = [VolumeMount(name: "data", mountPath: "/d")] } == [
            "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
        ])
        #expect(try errors { $0.template?.spec?.containers?[0].volumeDevices = [VolumeDevice(name: "www", devicePath: "/dev/xvda")]
        } == [
            "spec.template.spec.containers[0].volumeMounts[0].name: Invalid value: \"www\": must not already exist in volumeDevices",
            "spec.template.spec.containers[0].volumeDevices[0].name: Invalid value: \"www\": must not already exist in volumeMounts",
        ])
        #expect(try errors { $0.template?.spec?.containers = [] } == ["spec.template.spec.containers: Required value"])
    }

    @Test func claimTemplatesAreValidated() throws {
        #expect(try errors { $0.volumeClaimTemplates?[0].metadata.name = nil } == [
            "spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"www\"",
            "spec.volumeClaimTemplates[0].metadata.name: Required value",
        ])
        #expect(try errors { $0.volumeClaimTemplates?[0].spec?.accessModes = [] } == [
            "spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required",
        ])
        #expect(try errors { $0.volumeClaimTemplates?[0].spec?.resources = nil } == [
            "spec.volumeClaimTemplates[0].spec.resources[storage]: Required value",
        ])
        #expect(try errors { $0.volumeClaimTemplates?[0].spec?.volumeMode = "Raw" } == [
            "spec.volumeClaimTemplates[0].spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\"",
        ])
    }
}
