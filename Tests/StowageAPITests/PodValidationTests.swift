import Foundation
import Testing
@testable import StowageAPI

/// Every pod validation case, checked against Kubernetes' exact message and field path.
@Suite("Pod validation")
struct PodValidationTests {
    private func errors(_ pod: Pod) -> [String] { messages(pod.validate()) }

    @Test func validPodHasNoErrors() {
        let pod = makePod(volumes: [.claim("data", claimName: "c")], mounts: [VolumeMount(name: "data", mountPath: "/data")])
        #expect(errors(pod) == [])
    }

    @Test func metadataNameRequired() {
        var pod = makePod()
        pod.metadata.name = nil
        #expect(errors(pod) == ["metadata.name: Required value: name or generateName is required"])
    }

    @Test func containersRequired() {
        var pod = makePod()
        pod.spec?.containers = []
        #expect(errors(pod) == ["spec.containers: Required value"])
    }

    @Test func containerNameRequiredAndUnique() {
        var pod = makePod()
        pod.spec?.containers = [Container(name: "a"), Container(name: "a"), Container()]
        #expect(errors(pod) == ["spec.containers[1].name: Duplicate value: \"a\"", "spec.containers[2].name: Required value"])
        pod.spec?.containers = [Container(name: "a")]
        pod.spec?.initContainers = [Container(name: "a")]
        #expect(errors(pod) == ["spec.initContainers[0].name: Duplicate value: \"a\""])
        pod.spec?.initContainers = [Container(name: "init", readinessProbe: .exec(["true"]))]
        #expect(errors(pod) == ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"])
    }

    @Test func volumeNamesRequiredAndUnique() {
        let pod = makePod(volumes: [.emptyDir("data"), .emptyDir("data"), Volume(emptyDir: EmptyDirVolumeSource())])
        #expect(errors(pod) == ["spec.volumes[1].name: Duplicate value: \"data\"", "spec.volumes[2].name: Required value"])
    }

    @Test func volumeNeedsExactlyOneSource() {
        #expect(errors(makePod(volumes: [Volume(name: "v")])) == ["spec.volumes[0]: Required value: must specify a volume type"])
        let two = Volume(name: "v", hostPath: HostPathVolumeSource(path: "/x"), emptyDir: EmptyDirVolumeSource())
        #expect(errors(makePod(volumes: [two])) == ["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"])
        let three = Volume(name: "v", persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: "c"), csi: CSIVolumeSource(driver: "d"))
        #expect(errors(makePod(volumes: [three])) == ["spec.volumes[0].csi: Forbidden: may not specify more than 1 volume type"])
    }

    @Test func unmodeledSourcesAreNamedInTheError() throws {
        let json = """
        {"metadata": {"name": "p", "namespace": "default"}, "spec": {"containers": [{"name": "a"}],
         "volumes": [{"name": "cfg", "configMap": {"name": "settings"}}]}}
        """
        var pod = try decodeObject(Pod.self, json)
        pod.applyDefaults()
        #expect(pod.spec?.volumes?.first?.unsupportedSources == ["configMap"])
        #expect(errors(pod) == ["spec.volumes[0].configMap: Forbidden: configMap volumes are not supported by Stowage"])
        let encoded = String(decoding: try APICodec.encode(pod), as: UTF8.self)
        #expect(!encoded.contains("unsupportedSources"))
    }

    @Test func claimNameRequired() {
        let pod = makePod(volumes: [Volume(name: "v", persistentVolumeClaim: PersistentVolumeClaimVolumeSource())])
        #expect(errors(pod) == ["spec.volumes[0].persistentVolumeClaim.claimName: Required value"])
    }

    @Test func emptyDirMediumAndSizeLimit() throws {
        #expect(errors(makePod(volumes: [.emptyDir("e", medium: "Disk")])) == [
            "spec.volumes[0].emptyDir.medium: Unsupported value: \"Disk\": supported values: \"\", \"HugePages\", \"Memory\"",
        ])
        #expect(errors(makePod(volumes: [.emptyDir("e", medium: "Memory"), .emptyDir("f", medium: "HugePages-2Mi")])) == [])
        let negative = try Quantity(parsing: "-1Gi")
        #expect(errors(makePod(volumes: [.emptyDir("e", sizeLimit: negative)])) == [
            "spec.volumes[0].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity",
        ])
    }

    @Test func hostPathRules() {
        #expect(errors(makePod(volumes: [Volume(name: "h", hostPath: HostPathVolumeSource(path: ""))])) == [
            "spec.volumes[0].hostPath.path: Required value",
        ])
        #expect(errors(makePod(volumes: [Volume(name: "h", hostPath: HostPathVolumeSource(path: "/a/../b"))])) == [
            "spec.volumes[0].hostPath.path: Invalid value: \"/a/../b\": must not contain '..'",
        ])
        #expect(errors(makePod(volumes: [Volume(name: "h", hostPath: HostPathVolumeSource(path: "/a", type: "Dir"))])) == [
            "spec.volumes[0].hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", \"CharDevice\", "
                + "\"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"",
        ])
    }

    @Test func csiRules() {
        #expect(errors(makePod(volumes: [Volume(name: "c", csi: CSIVolumeSource())])) == ["spec.volumes[0].csi.driver: Required value"])
        let secret = CSIVolumeSource(driver: "d.example.com", nodePublishSecretRef: LocalObjectReference())
        #expect(errors(makePod(volumes: [Volume(name: "c", csi: secret)])) == ["spec.volumes[0].csi.nodePublishSecretRef.name: Required value"])
        let long = CSIVolumeSource(driver: String(repeating: "d", count: 64))
        #expect(errors(makePod(volumes: [Volume(name: "c", csi: long)])) == ["spec.volumes[0].csi.driver: Too long: may not be more than 63 bytes"])
    }

    @Test func ephemeralRules() throws {
        #expect(errors(makePod(volumes: [Volume(name: "e", ephemeral: EphemeralVolumeSource())])) == [
            "spec.volumes[0].ephemeral.volumeClaimTemplate: Required value",
        ])
        let empty = EphemeralVolumeSource(volumeClaimTemplate: PersistentVolumeClaimTemplate(spec: PersistentVolumeClaimSpec()))
        #expect(errors(makePod(volumes: [Volume(name: "e", ephemeral: empty)])) == [
            "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required",
            "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Required value",
        ])
        var spec = PersistentVolumeClaimSpec(accessModes: ["ReadWriteSometimes"])
        spec.resources = VolumeResourceRequirements(requests: ["storage": try Quantity(parsing: "1Gi")])
        let badMode = EphemeralVolumeSource(volumeClaimTemplate: PersistentVolumeClaimTemplate(spec: spec))
        #expect(errors(makePod(volumes: [Volume(name: "e", ephemeral: badMode)])) == [
            "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Unsupported value: \"ReadWriteSometimes\": "
                + "supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
        ])
        spec.accessModes = ["ReadWriteOnce"]
        let good = EphemeralVolumeSource(volumeClaimTemplate: PersistentVolumeClaimTemplate(spec: spec))
        // A claim volume may not name the claim an ephemeral volume of the same pod creates (`<pod>-<volume>`).
        let pod = makePod(volumes: [Volume(name: "scratch", ephemeral: good), .claim("other", claimName: "pod-scratch")])
        #expect(errors(pod) == [
            "spec.volumes[1].persistentVolumeClaim.claimName: Invalid value: \"pod-scratch\": must not reference a PVC that gets created for an ephemeral volume",
        ])
    }

    @Test func mountsMustNameAVolume() {
        let pod = makePod(mounts: [VolumeMount(name: "data", mountPath: "/data")])
        #expect(errors(pod) == ["spec.containers[0].volumeMounts[0].name: Not found: \"data\""])
        let unnamed = makePod(volumes: [.emptyDir("e")], mounts: [VolumeMount(mountPath: "/data")])
        #expect(errors(unnamed) == [
            "spec.containers[0].volumeMounts[0].name: Required value",
            "spec.containers[0].volumeMounts[0].name: Not found: \"\"",
        ])
        // A volume that failed validation cannot be mounted either, as in Kubernetes.
        let broken = makePod(volumes: [Volume(name: "v")], mounts: [VolumeMount(name: "v", mountPath: "/v")])
        #expect(errors(broken) == [
            "spec.volumes[0]: Required value: must specify a volume type",
            "spec.containers[0].volumeMounts[0].name: Not found: \"v\"",
        ])
    }

    @Test func mountPathRequiredAndUnique() {
        let pod = makePod(volumes: [.emptyDir("a"), .emptyDir("b")], mounts: [
            VolumeMount(name: "a", mountPath: "/data"), VolumeMount(name: "b", mountPath: "/data"), VolumeMount(name: "a"),
        ])
        #expect(errors(pod) == [
            "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/data\": must be unique",
            "spec.containers[0].volumeMounts[2].mountPath: Required value",
        ])
    }

    /// Kubernetes reports subPath problems at `volumeMounts.subPath`, without the mount's index.
    @Test func subPathMustBeRelativeWithoutBacksteps() {
        let volumes: [Volume] = [.emptyDir("data")]
        #expect(errors(makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", subPath: "../x")])) == [
            "spec.containers[0].volumeMounts.subPath: Invalid value: \"../x\": must not contain '..'",
        ])
        #expect(errors(makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", subPath: "/x")])) == [
            "spec.containers[0].volumeMounts.subPath: Invalid value: \"/x\": must be a relative path",
        ])
        #expect(errors(makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", subPath: "a..b/c")])) == [])
        let both = VolumeMount(name: "data", mountPath: "/d", subPath: "a", subPathExpr: "$(POD)/..")
        #expect(errors(makePod(volumes: volumes, mounts: [both])) == [
            "spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: \"$(POD)/..\": subPathExpr and subPath are mutually exclusive",
            "spec.containers[0].volumeMounts.subPathExpr: Invalid value: \"$(POD)/..\": must not contain '..'",
        ])
    }

    @Test func mountPropagation() {
        let volumes: [Volume] = [.emptyDir("data")]
        #expect(errors(makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", mountPropagation: "Shared")])) == [
            "spec.containers[0].volumeMounts.mountPropagation: Unsupported value: \"Shared\": supported values: \"Bidirectional\", \"HostToContainer\", \"None\"",
        ])
        #expect(errors(makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", mountPropagation: "Bidirectional")])) == [
            "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available only to privileged containers",
        ])
        var privileged = makePod(volumes: volumes, mounts: [VolumeMount(name: "data", mountPath: "/d", mountPropagation: "Bidirectional")])
        privileged.spec?.containers?[0].securityContext = SecurityContext(privileged: true)
        #expect(errors(privileged) == [])
    }

    @Test func volumeDevices() {
        let claim = Volume.claim("block", claimName: "c")
        #expect(errors(makePod(volumes: [claim], devices: [VolumeDevice(name: "block", devicePath: "/dev/xvda")])) == [])
        #expect(errors(makePod(devices: [VolumeDevice(name: "block", devicePath: "/dev/xvda")])) == [
            "spec.containers[0].volumeDevices[0].name: Not found: \"block\"",
        ])
        #expect(errors(makePod(volumes: [.emptyDir("e")], devices: [VolumeDevice(name: "e", devicePath: "/dev/xvda")])) == [
            "spec.containers[0].volumeDevices[0].name: Invalid value: \"e\": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
        ])
        let twice = makePod(volumes: [claim, .claim("other", claimName: "d")], devices: [
            VolumeDevice(name: "block", devicePath: "/dev/a"), VolumeDevice(name: "block", devicePath: "/dev/a"), VolumeDevice(name: "other"),
        ])
        #expect(errors(twice) == [
            "spec.containers[0].volumeDevices[1].name: Invalid value: \"block\": must be unique",
            "spec.containers[0].volumeDevices[1].devicePath: Invalid value: \"/dev/a\": must be unique",
            "spec.containers[0].volumeDevices[2].devicePath: Required value",
        ])
        let backsteps = makePod(volumes: [claim], devices: [VolumeDevice(name: "block", devicePath: "/dev/../x")])
        #expect(errors(backsteps) == ["spec.containers[0].volumeDevices[0].devicePath: Invalid value: \"/dev/../x\": can not contain backsteps ('..')"])
        let overlap = makePod(volumes: [claim], mounts: [VolumeMount(name: "block", mountPath: "/dev/a")], devices: [VolumeDevice(name: "block", devicePath: "/dev/a")])
        #expect(errors(overlap) == [
            "spec.containers[0].volumeMounts[0].name: Invalid value: \"block\": must not already exist in volumeDevices",
            "spec.containers[0].volumeMounts[0].mountPath: Invalid value: \"/dev/a\": must not already exist as a path in volumeDevices",
            "spec.containers[0].volumeDevices[0].name: Invalid value: \"block\": must not already exist in volumeMounts",
            "spec.containers[0].volumeDevices[0].devicePath: Invalid value: \"/dev/a\": must not already exist as a path in volumeMounts",
        ])
    }

    @Test func restartPolicySupported() {
        var pod = makePod()
        pod.spec?.restartPolicy = "Sometimes"
        #expect(errors(pod) == ["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""])
        pod.spec?.restartPolicy = ""
        #expect(errors(pod) == ["spec.restartPolicy: Required value"])
    }

    @Test func containerPortsAndPullPolicy() {
        var pod = makePod()
        pod.spec?.containers?[0].ports = [ContainerPort(name: "web", containerPort: 70000), ContainerPort(name: "web", containerPort: 80, protocol: "HTTP")]
        pod.spec?.containers?[0].imagePullPolicy = "Sometimes"
        #expect(errors(pod) == [
            "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].name: Duplicate value: \"web\"",
            "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        ])
    }

    @Test func probes() {
        var pod = makePod()
        pod.spec?.containers?[0].readinessProbe = Probe(periodSeconds: -1)
        pod.spec?.containers?[0].livenessProbe = Probe(exec: ExecAction(command: ["true"]), tcpSocket: TCPSocketAction(port: .int(80)), successThreshold: 2)
        #expect(errors(pod) == [
            "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
            "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
            "spec.containers[0].readinessProbe: Required value: must specify a handler type",
            "spec.containers[0].readinessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
        ])
    }

    @Test func securityContextAndTolerations() {
        var pod = makePod()
        pod.spec?.securityContext = PodSecurityContext(runAsUser: -1, fsGroup: 4_294_967_296)
        pod.spec?.tolerations = [
            Toleration(operator: "Equal", value: "x"),
            Toleration(key: "k", operator: "Maybe"),
            Toleration(key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 5),
        ]
        #expect(errors(pod) == [
            "spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive",
            "spec.securityContext.fsGroup: Invalid value: 4294967296: must be between 0 and 2147483647, inclusive",
            "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            "spec.tolerations[1].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\"",
            "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
        ])
    }
}
