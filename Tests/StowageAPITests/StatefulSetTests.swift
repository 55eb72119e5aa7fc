import Foundation
import Testing
@testable import StowageAPI

@Suite("StatefulSet: decoding, defaults, helpers")
struct StatefulSetTests {
    @Test func decodesTheDocsWebStatefulSet() throws {
        let set = try decodeObject(StatefulSet.self, webStatefulSetJSON)
        #expect(set.metadata.name == "web")
        let spec = try #require(set.spec)
        #expect(spec.serviceName == "nginx")
        #expect(spec.replicas == 3)
        #expect(spec.minReadySeconds == 10)
        #expect(spec.selector == LabelSelector(matchLabels: ["app": "nginx"]))
        #expect(spec.template?.metadata?.labels == ["app": "nginx"])
        let container = try #require(spec.template?.spec?.containers?.first)
        #expect(container.name == "nginx")
        #expect(container.image == "registry.k8s.io/nginx-slim:0.24")
        #expect(container.ports == [ContainerPort(name: "web", containerPort: 80)])
        #expect(container.volumeMounts == [VolumeMount(name: "www", mountPath: "/usr/share/nginx/html")])
        let claim = try #require(spec.volumeClaimTemplates?.first)
        #expect(claim.metadata.name == "www")
        #expect(claim.spec?.accessModes == ["ReadWriteOnce"])
        #expect(claim.spec?.storageClassName == "my-storage-class")
        #expect(claim.spec?.resources?.requests?["storage"] == (try Quantity(parsing: "1Gi")))
        // Validation runs after defaulting, as in Kubernetes.
        #expect(try makeWeb().validate().isEmpty)
    }

    @Test func roundTripsThroughJSON() throws {
        let set = try decodeObject(StatefulSet.self, webStatefulSetJSON)
        #expect(try roundTrip(set) == set)
        let defaulted = try makeWeb()
        #expect(try roundTrip(defaulted) == defaulted)
        let text = String(decoding: try APICodec.encode(set), as: UTF8.self)
        #expect(text.hasPrefix(#"{"apiVersion":"apps\/v1","kind":"StatefulSet","#) || text.hasPrefix(#"{"apiVersion":"apps/v1","kind":"StatefulSet","#))
    }

    @Test func appliesKubernetesDefaults() throws {
        var set = StatefulSet(name: "db", labels: ["app": "db"], containers: [Container(name: "db", image: "postgres:16")])
        set.applyDefaults()
        let spec = try #require(set.spec)
        #expect(spec.replicas == 1)
        #expect(spec.podManagementPolicy == "OrderedReady")
        #expect(spec.updateStrategy == StatefulSetUpdateStrategy(type: "RollingUpdate", rollingUpdate: RollingUpdateStatefulSetStrategy(partition: 0)))
        #expect(spec.revisionHistoryLimit == 10)
        #expect(spec.persistentVolumeClaimRetentionPolicy == StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Retain", whenScaled: "Retain"))
        #expect(spec.minReadySeconds == nil)
        #expect(spec.template?.spec?.restartPolicy == "Always")
        #expect(spec.template?.spec?.terminationGracePeriodSeconds == 30)
        #expect(spec.template?.spec?.containers?.first?.imagePullPolicy == "IfNotPresent")
        let web = try makeWeb()
        #expect(web.spec?.volumeClaimTemplates?.first?.spec?.volumeMode == "Filesystem")
        #expect(web.spec?.template?.spec?.terminationGracePeriodSeconds == 10)
        var again = web
        again.applyDefaults()
        #expect(again == web)
    }

    @Test func onDeleteStrategyGetsNoRollingUpdate() {
        var set = StatefulSet(name: "db", labels: ["app": "db"], containers: [Container(name: "db")])
        set.spec?.updateStrategy = StatefulSetUpdateStrategy(type: "OnDelete")
        set.spec?.persistentVolumeClaimRetentionPolicy = StatefulSetPersistentVolumeClaimRetentionPolicy(whenScaled: "Delete")
        set.applyDefaults()
        #expect(set.spec?.updateStrategy == StatefulSetUpdateStrategy(type: "OnDelete"))
        #expect(set.spec?.persistentVolumeClaimRetentionPolicy == StatefulSetPersistentVolumeClaimRetentionPolicy(whenDeleted: "Retain", whenScaled: "Delete"))
        var rolling = StatefulSet(name: "db", labels: ["app": "db"], containers: [Container(name: "db")])
        rolling.spec?.updateStrategy = StatefulSetUpdateStrategy(type: "RollingUpdate")
        rolling.applyDefaults()
        #expect(rolling.spec?.updateStrategy?.rollingUpdate == nil)
    }

    @Test func namesAndOrdinals() throws {
        var web = try makeWeb()
        #expect(web.ordinals == 0..<3)
        #expect(web.podName(ordinal: 2) == "web-2")
        #expect(web.claimName(template: "www", ordinal: 0) == "www-web-0")
        web.spec?.ordinals = StatefulSetOrdinals(start: 5)
        #expect(web.ordinals == 5..<8)
        web.spec?.replicas = 0
        #expect(web.ordinals.isEmpty)
    }

    @Test func specAndStatusContracts() throws {
        let old = try makeWeb()
        var new = old
        new.status = StatefulSetStatus(observedGeneration: 1, replicas: 3, readyReplicas: 2)
        #expect(!new.specDiffers(from: old))
        new.spec?.replicas = 5
        #expect(new.specDiffers(from: old))
        var kept = old
        kept.takeStatus(from: new)
        #expect(kept.status?.readyReplicas == 2)
        #expect(kept.spec == old.spec)
        #expect(new.fieldValue("metadata.name") == "web")
        #expect(new.fieldValue("spec.replicas") == nil)
    }

    @Test func decodesStatus() throws {
        let json = """
        {"metadata": {"name": "web"}, "status": {"observedGeneration": 2, "replicas": 3, "readyReplicas": 3,
         "currentReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3, "currentRevision": "web-5d",
         "updateRevision": "web-5d", "collisionCount": 0,
         "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-22T10:00:00Z"}]}}
        """
        let set = try decodeObject(StatefulSet.self, json)
        #expect(set.status?.updateRevision == "web-5d")
        #expect(set.status?.conditions?.first?.status == "True")
        #expect(try roundTrip(set) == set)
    }
}
