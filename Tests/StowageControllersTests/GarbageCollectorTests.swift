import StowageAPI
import StowageClient
import StowageControllers
import StowageTesting
import Testing

/// ownerReferences and delete propagation: Background, Foreground, Orphan.
@Suite("Garbage collector")
struct GarbageCollectorTests {
    static let statefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          serviceName: web
          replicas: 0
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: busybox
        """

    /// The set `web` and two claims it owns (one blocking its owner's foreground deletion).
    static func ownedClaims(_ cluster: TestCluster) async throws -> StatefulSet {
        try await cluster.apply(statefulSet)
        let set = try await cluster.cluster.get(StatefulSet.self, ObjectKey("default/web"))
        for (name, blocks) in [("www-web-0", true), ("www-web-1", false)] {
            var claim = PersistentVolumeClaim(name: name, request: .mebibytes(64), storageClassName: "")
            claim.metadata.ownerReferences = [OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web",
                                                             uid: set.metadata.uid ?? "", blockOwnerDeletion: blocks)]
            _ = try await cluster.cluster.create(claim)
        }
        return set
    }

    @Test("Background: deleting the owner deletes what it owns")
    func background() async throws {
        try await withCluster { cluster in
            _ = try await Self.ownedClaims(cluster)
            try await cluster.cluster.delete(StatefulSet.self, ObjectKey("default/web"))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-0")
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-1")
        }
    }

    @Test("Orphan: the owner goes, its dependents stay without the reference")
    func orphan() async throws {
        try await withCluster { cluster in
            _ = try await Self.ownedClaims(cluster)
            try await cluster.cluster.delete(StatefulSet.self, ObjectKey("default/web"), options: DeleteOptions(propagationPolicy: "Orphan"))
            try await cluster.waitForDeletion(StatefulSet.self, "default/web")
            for name in ["www-web-0", "www-web-1"] {
                let claim = try await cluster.waitFor(PersistentVolumeClaim.self, "default/\(name)") { $0.metadata.ownerReferences == nil }
                #expect(!claim.metadata.isBeingDeleted)
            }
        }
    }

    @Test("Foreground: the owner stays, marked, until its blocking dependents are gone")
    func foreground() async throws {
        try await withCluster { cluster in
            _ = try await Self.ownedClaims(cluster)
            try await cluster.apply(Manifests.pod("holder", claims: ["www-web-0"], node: "test-node"))
            try await cluster.cluster.delete(StatefulSet.self, ObjectKey("default/web"), options: DeleteOptions(propagationPolicy: "Foreground"))
            // www-web-0 is in use by a placed pod, so pvc-protection holds it, and the set waits for it.
            try await cluster.waitFor(PersistentVolumeClaim.self, "default/www-web-0") { $0.metadata.isBeingDeleted }
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-1")
            let waiting = try await cluster.cluster.get(StatefulSet.self, ObjectKey("default/web"))
            #expect(waiting.metadata.isBeingDeleted && waiting.metadata.hasFinalizer(PropagationFinalizer.foreground))
            try await cluster.cluster.delete(Pod.self, ObjectKey("default/holder"))
            try await cluster.waitForDeletion(PersistentVolumeClaim.self, "default/www-web-0")
            try await cluster.waitForDeletion(StatefulSet.self, "default/web")
        }
    }

    @Test("a reference to an owner that is gone is dropped when another owner remains")
    func danglingReference() async throws {
        try await withCluster { cluster in
            let set = try await Self.ownedClaims(cluster)
            var claim = try await cluster.cluster.get(PersistentVolumeClaim.self, ObjectKey("default/www-web-1"))
            claim.metadata.ownerReferences = [
                OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: set.metadata.uid ?? ""),
                OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-1", uid: "0000-gone"),
            ]
            _ = try await cluster.cluster.update(claim)
            let cleaned = try await cluster.waitFor(PersistentVolumeClaim.self, "default/www-web-1") { $0.metadata.ownerReferences?.count == 1 }
            #expect(cleaned.metadata.ownerReferences?.first?.kind == "StatefulSet")
        }
    }
}
