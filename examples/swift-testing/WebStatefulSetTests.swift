// How to test StatefulSet persistence from Swift: start an in-process cluster with the loop driver and the node
// agent, apply a StatefulSet, and check that a re-created pod finds its own data. Needs root (real mounts).
// Run it with `swift test --filter ExampleTests`.
import Foundation
import StowageAPI
import StowageClient
import StowageTesting
import Testing

@Suite(.enabled(if: geteuid() == 0, "mounts real volumes: run as root"))
struct WebStatefulSetTests {
    let manifest = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: loop}
        provisioner: loop.stowage.dev
        volumeBindingMode: WaitForFirstConsumer
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: web, namespace: default}
        spec:
          serviceName: nginx
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: app
                image: busybox
                command: [sh, -c, 'hostname >> /data/names; sleep 3600']
                volumeMounts: [{name: www, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: www}
            spec:
              accessModes: [ReadWriteOnce]
              storageClassName: loop
              resources: {requests: {storage: 16Mi}}
        """

    @Test func webOneComesBackToItsOwnData() async throws {
        let cluster = try await TestCluster.start(drivers: [.loop], nodeAgent: true)
        do {
            try await cluster.apply(manifest)
            _ = try await cluster.waitFor(StatefulSet.self, "default/web", timeout: .seconds(60)) { $0.status?.readyReplicas == 2 }

            // What web-1 wrote, read from its volume as the node agent published it.
            func names(of pod: Pod) async throws -> String {
                let path = "\(cluster.podsDirectory)/\(pod.metadata.uid ?? "")/volumes/loop.stowage.dev/www/names"
                for _ in 0..<300 {
                    if let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty { return text }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return ""
            }
            let first = try await cluster.cluster.get(Pod.self, ObjectKey(namespace: "default", name: "web-1"))
            #expect(try await names(of: first) == "web-1\n")
            let claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-web-1"))

            // Delete web-1: the StatefulSet makes it again, with the same claim, volume and data.
            _ = try await cluster.cluster.delete(Pod.self, ObjectKey(namespace: "default", name: "web-1"))
            let second = try await cluster.waitFor(Pod.self, "default/web-1", timeout: .seconds(60)) {
                $0.metadata.uid != first.metadata.uid && $0.status?.phase == "Running"
            }
            var text = try await names(of: second)
            for _ in 0..<300 where text != "web-1\nweb-1\n" {
                try await Task.sleep(for: .milliseconds(20))
                text = try await names(of: second)
            }
            #expect(text == "web-1\nweb-1\n")
            let again = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey(namespace: "default", name: "www-web-1"))
            #expect(again.spec?.volumeName == claim.spec?.volumeName)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}
