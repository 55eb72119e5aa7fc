import Foundation
import StowageLinux
import Testing

/// kubectl (the installed v1.32) against a real `stowage serve` over TLS with the kubeconfig it writes.
extension CLITests {
@Suite(.serialized, .enabled(if: ServerProcess.kubectlPath != nil && CommandRunner.executable != nil,
                             "needs the installed kubectl and the built stowage binary"))
struct KubectlAcceptanceTests {
    static let manifest = """
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: fast
        provisioner: hostpath.stowage.dev
        reclaimPolicy: Delete
        volumeBindingMode: Immediate
        allowVolumeExpansion: true
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata:
          name: pv1
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: fast
          hostPath: {path: /tmp/stowage-acceptance-pv1, type: DirectoryOrCreate}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          labels: {app: web}
        spec:
          accessModes: [ReadWriteOnce]
          storageClassName: fast
          resources:
            requests: {storage: 1Gi}
        """

    static let statefulSet = """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: web
        spec:
          serviceName: nginx
          replicas: 1
          selector:
            matchLabels: {app: nginx}
          template:
            metadata:
              labels: {app: nginx}
            spec:
              containers:
              - name: nginx
                image: registry.k8s.io/nginx-slim:0.8
        """

    @Test func kubectlWorksAgainstStowage() async throws {
        let runner = try CommandRunner.make()
        defer { runner.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: runner) }
        defer { server.stop() }
        func kubectl(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) async throws -> CommandRunner.Result {
            let result = try await server.kubectl(arguments, stdin: stdin, environment: environment)
            return result
        }

        let resources = try await kubectl("api-resources")
        #expect(resources.status == 0, "\(resources.stderr)")
        for line in ["persistentvolumeclaims", "pvc", "storageclasses", "sc", "statefulsets", "sts", "csidrivers"] {
            #expect(resources.stdout.contains(line), "api-resources lists \(line)")
        }

        let file = try runner.file("storage.yaml", Self.manifest)
        let created = try await kubectl("apply", "-f", file)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == """
            storageclass.storage.k8s.io/fast created
            persistentvolume/pv1 created
            persistentvolumeclaim/data created

            """)
        let again = try await kubectl("apply", "-f", file)
        #expect(again.stdout.contains("persistentvolumeclaim/data unchanged"), "\(again.stdout)\(again.stderr)")
        let edited = try runner.file("storage.yaml", Self.manifest.replacingOccurrences(of: "labels: {app: web}", with: "labels: {app: web, tier: gold}"))
        let configured = try await kubectl("apply", "-f", edited)
        #expect(configured.stdout.contains("persistentvolumeclaim/data configured"), "\(configured.stdout)\(configured.stderr)")
        #expect(configured.stdout.contains("storageclass.storage.k8s.io/fast unchanged"))

        let tables = try await kubectl("get", "sc,pv,pvc")
        #expect(tables.status == 0, "\(tables.stderr)")
        #expect(tables.stdout.contains("PROVISIONER"))
        #expect(tables.stdout.contains("RECLAIMPOLICY"))
        #expect(tables.stdout.contains("VOLUMEBINDINGMODE"))
        #expect(tables.stdout.contains("RECLAIM POLICY"))
        #expect(tables.stdout.contains("ACCESS MODES"))
        #expect(tables.stdout.contains("hostpath.stowage.dev"))

        // A watch sees another client's change; kubectl wait returns when the status is set.
        let watch = try server.startKubectl(["get", "pvc", "data", "-w"])
        let waiter = try server.startKubectl(["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=30s"])
        let statusPatch = try await kubectl("patch", "pvc", "data", "--subresource=status", "--type=merge", "-p", #"{"status":{"phase":"Bound"}}"#)
        #expect(statusPatch.status == 0, "\(statusPatch.stderr)")
        await waitForExit(waiter)
        let waited = String(decoding: waiter.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
        #expect(waiter.waitUntilExit() == 0)
        #expect(waited == "persistentvolumeclaim/data condition met\n")
        let streamed = try await Self.readUntil(watch, contains: "Bound", seconds: 30)
        #expect(streamed.contains("Bound"), "kubectl get -w printed: \(streamed)")
        watch.terminate()

        // kubectl encodes a space in a query as '+': a set-based selector reaches the server intact.
        let selected = try await kubectl("get", "pvc", "-l", "app in (web, db),tier notin (bronze)", "-o", "name")
        #expect(selected.status == 0, "\(selected.stderr)")
        #expect(selected.stdout == "persistentvolumeclaim/data\n")

        let described = try await kubectl("describe", "pvc", "data")
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.contains("Name:"))
        #expect(described.stdout.contains("StorageClass:"))

        #expect(try await kubectl("label", "pvc", "data", "owner=team-a").stdout == "persistentvolumeclaim/data labeled\n")
        #expect(try await kubectl("annotate", "pvc", "data", "note=hello").stdout == "persistentvolumeclaim/data annotated\n")
        #expect(try await kubectl("patch", "pvc", "data", "--type", "merge", "-p", #"{"metadata":{"labels":{"patched":"merge"}}}"#).stdout
                == "persistentvolumeclaim/data patched\n")
        #expect(try await kubectl("patch", "pvc", "data", "--type", "json", "-p", #"[{"op":"add","path":"/metadata/labels/json","value":"yes"}]"#).stdout
                == "persistentvolumeclaim/data patched\n")
        let labels = try await kubectl("get", "pvc", "data", "-o", "jsonpath={.metadata.labels}")
        for label in ["\"owner\":\"team-a\"", "\"patched\":\"merge\"", "\"json\":\"yes\""] {
            #expect(labels.stdout.contains(label), "labels: \(labels.stdout)")
        }

        let editor = try runner.file("editor.sh", "#!/bin/sh\nsed -i 's/owner: team-a/owner: team-b/' \"$1\"\n")
        chmod(editor, 0o755)
        let edit = try await kubectl("edit", "pvc", "data", environment: ["EDITOR": editor, "KUBE_EDITOR": editor])
        #expect(edit.stdout == "persistentvolumeclaim/data edited\n", "\(edit.stdout)\(edit.stderr)")
        #expect(try await kubectl("get", "pvc", "data", "-o", "jsonpath={.metadata.labels.owner}").stdout == "team-b")

        let sts = try await kubectl("apply", "-f", "-", stdin: Self.statefulSet)
        #expect(sts.stdout == "statefulset.apps/web created\n", "\(sts.stderr)")
        #expect(try await kubectl("scale", "statefulset", "web", "--replicas=3").stdout == "statefulset.apps/web scaled\n")
        #expect(try await kubectl("get", "sts", "web", "-o", "jsonpath={.spec.replicas}").stdout == "3")

        let explained = try await kubectl("explain", "pvc.spec.resources")
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("requests"))

        // A stale update is refused with 409.
        let stale = try await kubectl("get", "pvc", "data", "-o", "yaml").stdout
        _ = try await kubectl("label", "pvc", "data", "bump=1")
        let replaced = try await kubectl("replace", "-f", "-", stdin: stale)
        #expect(replaced.status != 0)
        #expect(replaced.stderr.contains("the object has been modified"), "\(replaced.stderr)")

        // No credentials, or plain HTTP: refused.
        let anonymous = try runner.file("anonymous.kubeconfig", """
            apiVersion: v1
            kind: Config
            clusters: [{name: s, cluster: {server: "https://127.0.0.1:\(server.port)", insecure-skip-tls-verify: true}}]
            users: [{name: nobody, user: {token: not-a-valid-token}}]
            contexts: [{name: s, context: {cluster: s, user: nobody}}]
            current-context: s
            """)
        let refused = try await kubectl("get", "pvc", environment: ["KUBECONFIG": anonymous])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Unauthorized"), "\(refused.stderr)")
        // A client certificate signed by the server's CA authenticates too.
        let pki = runner.stateDirectory + "/pki"
        let certificateConfig = try runner.file("certificate.kubeconfig", """
            apiVersion: v1
            kind: Config
            clusters: [{name: s, cluster: {server: "https://127.0.0.1:\(server.port)", certificate-authority: \(pki)/ca.crt}}]
            users: [{name: admin, user: {client-certificate: \(pki)/admin.crt, client-key: \(pki)/admin.key}}]
            contexts: [{name: s, context: {cluster: s, user: admin}}]
            current-context: s
            """)
        let withCertificate = try await kubectl("get", "pvc", "data", "-o", "name", environment: ["KUBECONFIG": certificateConfig])
        #expect(withCertificate.stdout == "persistentvolumeclaim/data\n", "\(withCertificate.stderr)")

        let plain = try await kubectl("get", "pvc", "--server", "http://127.0.0.1:\(server.port)", "--request-timeout=5s")
        #expect(plain.status != 0)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") {
            let curl = try await onOwnThread {
                try PipedProcess.run("/usr/bin/curl", arguments: ["-sk", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(server.port)/api/v1/namespaces/default/persistentvolumeclaims"])
            }
            #expect(String(decoding: curl.standardOutput, as: UTF8.self) == "401", "a request without a token is refused")
        }

        // `kubectl get -o yaml` is a `kind: List`, whose items kubectl validates on the client against
        // /openapi/v2: a backup applies back, and a misspelled field in an item is named.
        let list = try await kubectl("get", "sc", "-o", "yaml").stdout
        #expect(list.contains("kind: List"))
        let restored = try await kubectl("apply", "-f", "-", stdin: list)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("storageclass.storage.k8s.io/fast"), "\(restored.stdout)")
        let misspelled = try await kubectl("apply", "-f", "-", stdin: list.replacingOccurrences(of: "reclaimPolicy:", with: "reclaimPolcy:"))
        #expect(misspelled.status != 0)
        #expect(misspelled.stderr.contains(#"unknown field "reclaimPolcy" in io.k8s.api.storage.v1.StorageClass"#), "\(misspelled.stderr)")

        // kubectl auth: everyone who authenticated may do everything, and the reviews say so.
        #expect(try await kubectl("auth", "can-i", "delete", "pvc").stdout == "yes\n")
        // kubectl create namespace sends protobuf, through the same typed client.
        #expect(try await kubectl("create", "namespace", "demo").stdout == "namespace/demo created\n")
        let whoami = try await kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
        #expect(whoami.stdout == "admin", "\(whoami.stdout)\(whoami.stderr)")

        let deleted = try await kubectl("delete", "-f", file, "--wait=false")
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(deleted.stdout.contains("persistentvolumeclaim \"data\" deleted"))
        #expect(deleted.stdout.contains("storageclass.storage.k8s.io \"fast\" deleted"))
    }

    /// Reads a running process's stdout until it contains `text` or the deadline passes.
    static func readUntil(_ process: PipedProcess, contains text: String, seconds: Double) async throws -> String {
        try await onOwnThread { readUntilBlocking(process, contains: text, seconds: seconds) }
    }

    private static func readUntilBlocking(_ process: PipedProcess, contains text: String, seconds: Double) -> String {
        let handle = process.standardOutput!
        let flags = fcntl(handle.fileDescriptor, F_GETFL)
        _ = fcntl(handle.fileDescriptor, F_SETFL, flags | O_NONBLOCK)
        var collected = Data()
        let deadline = Date().addingTimeInterval(seconds)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            let count = read(handle.fileDescriptor, &buffer, buffer.count)
            if count > 0 {
                collected.append(contentsOf: buffer[0..<count])
                if String(decoding: collected, as: UTF8.self).contains(text) { break }
            } else {
                usleep(20_000)
            }
        }
        return String(decoding: collected, as: UTF8.self)
    }
}
}
