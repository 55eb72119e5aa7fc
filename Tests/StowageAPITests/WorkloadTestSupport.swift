import Foundation
import Testing
@testable import StowageAPI

/// Decodes a kind from Kubernetes JSON, failing the test on error.
func decodeObject<T: APIObject>(_ type: T.Type, _ json: String) throws -> T {
    try APICodec.decode(T.self, from: Data(json.utf8))
}

/// Encodes and decodes `object` again.
func roundTrip<T: APIObject>(_ object: T) throws -> T {
    try APICodec.decode(T.self, from: APICodec.encode(object))
}

/// The descriptions of `errors`, for comparing with Kubernetes' messages.
func messages(_ errors: [FieldError]) -> [String] { errors.map(\.description) }

/// A minimal valid pod: one container `app`, plus `volumes` and `mounts`.
func makePod(volumes: [Volume]? = nil, mounts: [VolumeMount]? = nil, devices: [VolumeDevice]? = nil) -> Pod {
    var pod = Pod(
        name: "pod", containers: [Container(name: "app", command: ["sleep", "1"], volumeMounts: mounts, volumeDevices: devices)],
        volumes: volumes)
    pod.applyDefaults()
    return pod
}

/// The `web` StatefulSet of the Kubernetes docs (nginx, service nginx, 3 replicas, claim template `www`).
let webStatefulSetJSON = """
{
  "apiVersion": "apps/v1",
  "kind": "StatefulSet",
  "metadata": {"name": "web", "namespace": "default"},
  "spec": {
    "selector": {"matchLabels": {"app": "nginx"}},
    "serviceName": "nginx",
    "replicas": 3,
    "minReadySeconds": 10,
    "template": {
      "metadata": {"labels": {"app": "nginx"}},
      "spec": {
        "terminationGracePeriodSeconds": 10,
        "containers": [{
          "name": "nginx",
          "image": "registry.k8s.io/nginx-slim:0.24",
          "ports": [{"containerPort": 80, "name": "web"}],
          "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]
        }]
      }
    },
    "volumeClaimTemplates": [{
      "metadata": {"name": "www"},
      "spec": {
        "accessModes": ["ReadWriteOnce"],
        "storageClassName": "my-storage-class",
        "resources": {"requests": {"storage": "1Gi"}}
      }
    }]
  }
}
"""

/// The `web` StatefulSet, decoded and defaulted.
func makeWeb() throws -> StatefulSet {
    var set = try decodeObject(StatefulSet.self, webStatefulSetJSON)
    set.applyDefaults()
    return set
}
