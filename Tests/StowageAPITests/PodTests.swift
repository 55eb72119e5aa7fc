import Foundation
import Testing
@testable import StowageAPI

@Suite("Pod: decoding, defaults, helpers")
struct PodTests {
    static let everyVolumeJSON = """
    {
      "apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "all-volumes", "namespace": "default", "labels": {"app": "demo"}},
      "spec": {
        "containers": [{
          "name": "app", "image": "busybox:1.36", "command": ["sh", "-c"], "args": ["sleep 3600"],
          "workingDir": "/data",
          "env": [{"name": "MODE", "value": "test"}, {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
          "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
          "volumeMounts": [
            {"name": "claim", "mountPath": "/data"},
            {"name": "scratch", "mountPath": "/scratch", "subPath": "a/b"},
            {"name": "host", "mountPath": "/host", "readOnly": true, "mountPropagation": "HostToContainer"},
            {"name": "inline", "mountPath": "/inline"}
          ],
          "volumeDevices": [{"name": "eph", "devicePath": "/dev/xvda"}],
          "readinessProbe": {"exec": {"command": ["cat", "/data/ready"]}, "initialDelaySeconds": 2},
          "resources": {"limits": {"memory": "128Mi"}},
          "securityContext": {"runAsUser": 1000, "readOnlyRootFilesystem": true},
          "stdin": true, "tty": false
        }],
        "volumes": [
          {"name": "claim", "persistentVolumeClaim": {"claimName": "data-claim", "readOnly": false}},
          {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
          {"name": "host", "hostPath": {"path": "/var/lib/demo", "type": "DirectoryOrCreate"}},
          {"name": "inline", "csi": {"driver": "hostpath.stowage.io", "readOnly": true, "fsType": "ext4",
            "volumeAttributes": {"size": "1Gi"}, "nodePublishSecretRef": {"name": "creds"}}},
          {"name": "eph", "ephemeral": {"volumeClaimTemplate": {"metadata": {"labels": {"kind": "scratch"}},
            "spec": {"accessModes": ["ReadWriteOnce"], "volumeMode": "Block", "storageClassName": "loop-block",
              "resources": {"requests": {"storage": "1Gi"}}}}}}
        ],
        "restartPolicy": "OnFailure",
        "nodeName": "node-1",
        "hostname": "all-volumes", "subdomain": "demo",
        "serviceAccountName": "default",
        "securityContext": {"runAsUser": 1000, "runAsGroup": 1000, "fsGroup": 2000},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "storage", "effect": "NoSchedule"}],
        "priority": 10
      },
      "status": {
        "phase": "Running", "hostIP": "10.0.0.1", "hostIPs": [{"ip": "10.0.0.1"}], "podIP": "10.0.0.7",
        "startTime": "2026-11-22T10:00:00Z",
        "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-22T10:00:05Z"}],
        "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "started": true,
          "image": "busybox:1.36", "containerID": "stowage://1234",
          "state": {"running": {"startedAt": "2026-11-22T10:00:01Z"}},
          "lastState": {"terminated": {"exitCode": 137, "signal": 9, "reason": "Error", "startedAt": "2026-11-22T09:00:00Z", "finishedAt": "2026-11-22T09:59:00Z"}}}]
      }
    }
    """

    @Test func decodesEveryVolumeType() throws {
        let pod = try decodeObject(Pod.self, Self.everyVolumeJSON)
        let volumes = try #require(pod.spec?.volumes)
        #expect(volumes.count == 5)
        #expect(volumes[0].persistentVolumeClaim?.claimName == "data-claim")
        #expect(volumes[1].emptyDir?.medium == "Memory")
        #expect(volumes[1].emptyDir?.sizeLimit == (try Quantity(parsing: "64Mi")))
        #expect(volumes[2].hostPath?.path == "/var/lib/demo")
        #expect(volumes[2].hostPath?.type == "DirectoryOrCreate")
        #expect(volumes[3].csi?.driver == "hostpath.stowage.io")
        #expect(volumes[3].csi?.nodePublishSecretRef?.name == "creds")
        #expect(volumes[3].csi?.volumeAttributes == ["size": "1Gi"])
        #expect(volumes[4].ephemeral?.volumeClaimTemplate?.spec?.volumeMode == "Block")
        #expect(volumes[4].ephemeral?.volumeClaimTemplate?.spec?.resources?.requests?["storage"] == (try Quantity(parsing: "1Gi")))
        let container = try #require(pod.spec?.containers?.first)
        #expect(container.volumeMounts?[1].subPath == "a/b")
        #expect(container.volumeMounts?[2].mountPropagation == "HostToContainer")
        #expect(container.volumeDevices?.first?.devicePath == "/dev/xvda")
        #expect(container.env?[1].valueFrom?.fieldRef?.fieldPath == "metadata.name")
        #expect(container.readinessProbe?.exec?.command == ["cat", "/data/ready"])
        #expect(pod.spec?.securityContext?.fsGroup == 2000)
        #expect(pod.spec?.tolerations?.first?.effect == "NoSchedule")
        #expect(pod.status?.containerStatuses?.first?.lastState?.terminated?.exitCode == 137)
        #expect(pod.status?.startTime == Timestamp(rfc3339: "2026-11-22T10:00:00Z"))
        #expect(pod.status?.isReady == true)
        #expect(pod.claimNames == ["data-claim", "all-volumes-eph"])
        #expect(pod.validate().isEmpty)
    }

    @Test func roundTripsThroughJSON() throws {
        let pod = try decodeObject(Pod.self, Self.everyVolumeJSON)
        #expect(try roundTrip(pod) == pod)
        var defaulted = pod
        defaulted.applyDefaults()
        #expect(try roundTrip(defaulted) == defaulted)
        let text = String(decoding: try APICodec.encode(pod), as: UTF8.self)
        #expect(text.hasPrefix(#"{"apiVersion":"v1","kind":"Pod","#))
    }

    @Test func appliesKubernetesDefaults() throws {
        var pod = Pod(
            name: "p",
            containers: [Container(
                name: "app", image: "nginx", ports: [ContainerPort(containerPort: 80)],
                resources: ResourceRequirements(limits: ["cpu": try Quantity(parsing: "500m")]),
                livenessProbe: .exec(["true"]))],
            volumes: [Volume(name: "h", hostPath: HostPathVolumeSource(path: "/tmp/h")), .emptyDir("e")])
        pod.applyDefaults()
        let spec = try #require(pod.spec)
        #expect(spec.restartPolicy == "Always")
        #expect(spec.terminationGracePeriodSeconds == 30)
        #expect(spec.schedulerName == "default-scheduler")
        #expect(spec.dnsPolicy == "ClusterFirst")
        #expect(spec.securityContext == PodSecurityContext())
        let container = try #require(spec.containers?.first)
        #expect(container.imagePullPolicy == "Always")
        #expect(container.ports?.first?.protocol == "TCP")
        #expect(container.resources?.requests?["cpu"] == (try Quantity(parsing: "500m")))
        #expect(container.livenessProbe == Probe(exec: ExecAction(command: ["true"]), timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3))
        #expect(spec.volumes?[0].hostPath?.type == "")
        #expect(spec.volumes?[1].emptyDir?.medium == nil)
        #expect(pod.status?.phase == "Pending")
        // Defaults are idempotent and keep what the user set.
        var again = pod
        again.applyDefaults()
        #expect(again == pod)
    }

    @Test func defaultsKeepUserValuesAndFixNegativeGrace() {
        var pod = Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(
            containers: [Container(name: "a")], restartPolicy: "Never", terminationGracePeriodSeconds: -5,
            schedulerName: "mine"), status: PodStatus(phase: "Running"))
        pod.applyDefaults()
        #expect(pod.spec?.restartPolicy == "Never")
        #expect(pod.spec?.terminationGracePeriodSeconds == 1)
        #expect(pod.spec?.schedulerName == "mine")
        #expect(pod.spec?.containers?.first?.imagePullPolicy == nil)
        #expect(pod.status?.phase == "Running")
    }

    @Test(arguments: [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.25", "IfNotPresent"),
        ("registry.local:5000/team/app", "Always"), ("registry.local:5000/team/app:v2", "IfNotPresent"),
        ("busybox@sha256:abcdef", "IfNotPresent"),
    ])
    func defaultPullPolicy(image: String, expected: String) {
        #expect(Container.defaultPullPolicy(image: image) == expected)
    }

    @Test func ephemeralClaimTemplateGetsFilesystemMode() throws {
        let json = """
        {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "a"}],
         "volumes": [{"name": "scratch", "ephemeral": {"volumeClaimTemplate": {"spec": {"accessModes": ["ReadWriteOnce"],
           "resources": {"requests": {"storage": "1Gi"}}}}}}]}}
        """
        var pod = try decodeObject(Pod.self, json)
        pod.applyDefaults()
        #expect(pod.spec?.volumes?.first?.ephemeral?.volumeClaimTemplate?.spec?.volumeMode == "Filesystem")
        #expect(pod.claimNames == ["p-scratch"])
    }

    @Test func fieldSelectorValues() {
        var pod = makePod()
        pod.spec?.nodeName = "node-1"
        pod.status?.podIP = "10.1.1.1"
        #expect(pod.fieldValue("spec.nodeName") == "node-1")
        #expect(pod.fieldValue("spec.restartPolicy") == "Always")
        #expect(pod.fieldValue("spec.schedulerName") == "default-scheduler")
        #expect(pod.fieldValue("spec.serviceAccountName") == "")
        #expect(pod.fieldValue("spec.hostNetwork") == "false")
        #expect(pod.fieldValue("status.phase") == "Pending")
        #expect(pod.fieldValue("status.podIP") == "10.1.1.1")
        #expect(pod.fieldValue("metadata.name") == "pod")
        #expect(pod.fieldValue("metadata.namespace") == "default")
        #expect(pod.fieldValue("spec.volumes") == nil)
    }

    @Test func specAndStatusContracts() {
        let old = makePod()
        var new = old
        new.status?.phase = "Running"
        #expect(!new.specDiffers(from: old))
        new.spec?.nodeName = "n"
        #expect(new.specDiffers(from: old))
        var kept = old
        kept.takeStatus(from: new)
        #expect(kept.status?.phase == "Running")
        #expect(kept.spec == old.spec)
    }

    @Test func registeredInAPIKinds() {
        #expect(APIKinds.type(named: "po").map(ObjectIdentifier.init) == ObjectIdentifier(Pod.self))
        #expect(APIKinds.type(named: "pods").map(ObjectIdentifier.init) == ObjectIdentifier(Pod.self))
        #expect(APIKinds.type(named: "sts").map(ObjectIdentifier.init) == ObjectIdentifier(StatefulSet.self))
        #expect(APIKinds.type(named: "statefulsets.apps").map(ObjectIdentifier.init) == ObjectIdentifier(StatefulSet.self))
        #expect(APIKinds.type(apiVersion: "v1", kind: "Pod").map(ObjectIdentifier.init) == ObjectIdentifier(Pod.self))
        #expect(APIKinds.type(apiVersion: "apps/v1", kind: "StatefulSet").map(ObjectIdentifier.init) == ObjectIdentifier(StatefulSet.self))
        #expect(Pod.resource.categories == ["all"])
        #expect(StatefulSet.resource.categories == ["all"])
        #expect(StatefulSet.resource.hasStatusSubresource && StatefulSet.hasScaleSubresource)
    }
}
