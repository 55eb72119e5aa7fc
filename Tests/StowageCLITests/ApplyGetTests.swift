import Foundation
import Testing

extension CLITests {
@Suite("stowage apply, get, delete", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built; run `swift build` first"))
struct ApplyGetTests {
    static let claims = """
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: data
      labels: {app: web}
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
    ---
    apiVersion: storage.k8s.io/v1
    kind: StorageClass
    metadata:
      name: fast
    provisioner: hostpath.stowage.dev
    """

    /// A volume reserved for the claim `data`, so the binder binds exactly that claim.
    static let volumeForData = """
    apiVersion: v1
    kind: PersistentVolume
    metadata:
      name: for-data
    spec:
      capacity: {storage: 1Gi}
      accessModes: [ReadWriteOnce]
      claimRef: {namespace: default, name: data}
      hostPath: {path: /tmp/stowage-cli-test-for-data}
    """

    @Test func applyCreatesThenLeavesUnchangedThenConfigures() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let path = try cli.file("claims.yaml", Self.claims)
        let first = try await cli.run(["apply", "-f", path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "persistentvolumeclaim/data created\nstorageclass.storage.k8s.io/fast created\n")
        let again = try await cli.run(["apply", "-f", path])
        #expect(again.stdout == "persistentvolumeclaim/data unchanged\nstorageclass.storage.k8s.io/fast unchanged\n")
        let changed = try cli.file("changed.yaml", Self.claims.replacingOccurrences(of: "{app: web}", with: "{app: db}"))
        #expect(try await cli.run(["apply", "-f", changed]).stdout.hasPrefix("persistentvolumeclaim/data configured\n"))

        let table = try await cli.run(["get", "pvc"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].split(separator: " ", omittingEmptySubsequences: true).prefix(7) == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS"])
        #expect(lines[1].hasPrefix("data"))
        #expect(lines[1].contains("Pending"))

        let yaml = try await cli.run(["get", "pvc", "data", "-o", "yaml"])
        #expect(yaml.stdout.contains("kind: PersistentVolumeClaim"))
        #expect(yaml.stdout.contains("storage: 1Gi"))
        #expect(yaml.stdout.contains("app: db"))
        #expect(yaml.stdout.contains("resourceVersion: \""))

        let selected = try await cli.run(["get", "pvc", "-l", "app=web", "-o", "name"])
        #expect(selected.stdout == "")
        #expect(try await cli.run(["get", "pvc", "-l", "app=db", "-o", "name"]).stdout == "persistentvolumeclaim/data\n")

        let deleted = try await cli.run(["delete", "sc", "fast"])
        #expect(deleted.stdout == "storageclass.storage.k8s.io \"fast\" deleted\n")
        let missing = try await cli.run(["get", "sc", "fast"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains(#"storageclasses.storage.k8s.io "fast" not found"#))
    }

    @Test func aBadDocumentLeavesNothingWrittenAndSaysWhere() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let bad = Self.claims + """

        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: broken
        spec:
          accessModes: [ReadWriteOnce]
          resources:
            requests:
              storage: 1Gx
        """
        let path = try cli.file("bad.yaml", bad)
        let result = try await cli.run(["apply", "-f", path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(#"bad.yaml:26:7: document 3: spec.resources.requests.storage: Invalid value: "1Gx": quantities must match"#), "\(result.stderr)")
        #expect(result.stdout == "")
        #expect(try await cli.run(["get", "pvc", "-o", "name"]).stdout == "", "nothing of the file was applied")

        let invalid = try cli.file("invalid.yaml", Self.claims.replacingOccurrences(of: "[ReadWriteOnce]", with: "[]"))
        let refused = try await cli.run(["apply", "-f", invalid])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains(#"invalid.yaml:7:3: document 1: PersistentVolumeClaim "data" is invalid: spec.accessModes: Required value: at least 1 access mode is required"#), "\(refused.stderr)")
    }

    @Test func unknownFieldsAreWarnedAboutAndDropped() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let path = try cli.file("extra.yaml", Self.claims.replacingOccurrences(of: "  accessModes:", with: "  colour: blue\n  accessModes:"))
        let result = try await cli.run(["apply", "-f", path])
        #expect(result.status == 0)
        #expect(result.stderr.contains(#"Warning: "#) && result.stderr.contains(#"extra.yaml:7:3: unknown field "spec.colour""#), "\(result.stderr)")
        #expect(!(try await cli.run(["get", "pvc", "data", "-o", "json"]).stdout.contains("colour")))
    }

    @Test func unknownKindsAndFormatsAreRefusedClearly() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let kind = try await cli.run(["get", "deployments"])
        #expect(kind.status != 0)
        #expect(kind.stderr.contains(#"the server doesn't have a resource type "deployments""#))
        let format = try await cli.run(["get", "pvc", "-o", "xml"])
        #expect(format.stderr.contains(#"unable to match a printer suitable for the output format "xml""#))
    }

    @Test func withoutAServerTheCommandSaysWhatToDo() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let result = try await cli.run(["get", "pvc"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no Stowage server is running at unix://\(cli.stateDirectory)/api.sock"), "\(result.stderr)")
        #expect(result.stderr.contains("stowage serve"))
    }

    @Test func describeWaitVersionJSONPathAndWatch() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        let path = try cli.file("claims.yaml", Self.claims)
        #expect(try await cli.run(["apply", "-f", path]).status == 0)

        // A directory applies every manifest in it; --server reaches the HTTPS port with the kubeconfig's credentials.
        let manifests = cli.workDirectory + "/manifests"
        try FileManager.default.createDirectory(atPath: manifests, withIntermediateDirectories: true)
        try Self.claims.replacingOccurrences(of: "name: data", with: "name: second")
            .write(toFile: manifests + "/b.yaml", atomically: true, encoding: .utf8)
        let fromDirectory = try await cli.run(["apply", "-f", manifests])
        #expect(fromDirectory.stdout == "persistentvolumeclaim/second created\nstorageclass.storage.k8s.io/fast unchanged\n", "\(fromDirectory.stderr)")
        let overHTTPS = try await cli.run(["get", "pvc", "-o", "name", "--server", "https://127.0.0.1:\(server.port)"])
        #expect(overHTTPS.stdout == "persistentvolumeclaim/data\npersistentvolumeclaim/second\n", "\(overHTTPS.stderr)")

        let version = try await cli.run(["version"])
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("Client Version: v"))
        #expect(version.stdout.contains("Server Version: v1."))

        #expect(try await cli.run(["get", "pvc", "data", "-o", "jsonpath={.spec.resources.requests.storage}"]).stdout == "1Gi")
        #expect(try await cli.run(["get", "pvc", "-o", "jsonpath={range .items[*]}{.metadata.name}:{.metadata.labels.app}{\"\\n\"}{end}"]).stdout == "data:web\nsecond:web\n")

        let described = try await cli.run(["describe", "pvc", "data"])
        #expect(described.status == 0, "\(described.stderr)")
        #expect(described.stdout.contains("Name:"))
        #expect(described.stdout.contains("Status:        Pending") || described.stdout.contains("Pending"))
        #expect(described.stdout.contains("Events:"))

        // wait returns when the binder binds the claim to a volume created meanwhile; get -w prints the change.
        // (Patching the phase by hand would race the binder, which rightly sets an unbound claim back to Pending.)
        let watch = try cli.start(["get", "pvc", "data", "-w"])
        defer { watch.terminate(); watch.waitUntilExit() }
        let firstRow = try await KubectlAcceptanceTests.readUntil(watch, contains: "Pending", seconds: 30)
        #expect(firstRow.contains("Pending"), "get -w printed: \(firstRow)")
        let waiter = try cli.start(["wait", "pvc/data", "--for=jsonpath={.status.phase}=Bound", "--timeout=30s"])
        let volume = try cli.file("volume.yaml", Self.volumeForData)
        let created = try await server.kubectl(["apply", "-f", volume])
        #expect(created.status == 0, "\(created.stderr)")
        await waitForExit(waiter)
        #expect(waiter.waitUntilExit() == 0)
        #expect(String(decoding: waiter.standardOutput!.readDataToEndOfFile(), as: UTF8.self)
                == "persistentvolumeclaim/data condition met\n")
        let streamed = try await KubectlAcceptanceTests.readUntil(watch, contains: "Bound", seconds: 30)
        #expect(streamed.contains("Bound"), "get -w printed: \(streamed)")

        let timedOut = try await cli.run(["wait", "pvc/data", "--for=jsonpath={.status.phase}=Lost", "--timeout=1s"])
        #expect(timedOut.status != 0)
        #expect(timedOut.stderr.contains("timed out waiting for the condition on persistentvolumeclaims/data"))
    }
}
}
