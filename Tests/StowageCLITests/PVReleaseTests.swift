import Foundation
import Testing

extension CLITests {
@Suite("stowage pv release", .enabled(if: CommandRunner.executable != nil, "the stowage executable is not built; run `swift build` first"))
struct PVReleaseTests {
    static let volumeAndClaim = """
    apiVersion: v1
    kind: PersistentVolume
    metadata:
      name: kept
    spec:
      capacity: {storage: 1Gi}
      accessModes: [ReadWriteOnce]
      persistentVolumeReclaimPolicy: Retain
      storageClassName: ""
      hostPath: {path: /srv/kept}
    ---
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: first
    spec:
      storageClassName: ""
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
    """

    static let secondClaim = """
    apiVersion: v1
    kind: PersistentVolumeClaim
    metadata:
      name: second
    spec:
      storageClassName: ""
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
    """

    @Test("a Retained volume stays Released until `stowage pv release`, then the next claim binds it")
    func releaseMakesRetainedVolumeAvailable() async throws {
        let cli = try CommandRunner.make()
        defer { cli.remove() }
        let server = try await onOwnThread { try ServerProcess(runner: cli) }
        defer { server.stop() }
        #expect(try await cli.run(["apply", "-f", try cli.file("first.yaml", Self.volumeAndClaim)]).status == 0)
        #expect(try await cli.run(["wait", "pvc/first", "--for=jsonpath={.status.phase}=Bound", "--timeout=60s"]).status == 0)

        let early = try await cli.run(["pv", "release", "kept"])
        #expect(early.status != 0)
        #expect(early.stderr.contains("persistentvolume/kept is Bound; only a Released (or Failed) volume can be released"), "\(early.stderr)")

        #expect(try await cli.run(["delete", "pvc", "first", "--wait"]).status == 0)
        #expect(try await cli.run(["wait", "pv/kept", "--for=jsonpath={.status.phase}=Released", "--timeout=60s"]).status == 0)
        #expect(try await cli.run(["apply", "-f", try cli.file("second.yaml", Self.secondClaim)]).status == 0)
        #expect(try await cli.run(["wait", "pvc/second", "--for=jsonpath={.status.phase}=Pending", "--timeout=60s"]).status == 0)
        #expect(try await cli.run(["get", "pv", "kept", "-o", "jsonpath={.status.phase}"]).stdout == "Released",
                "a Released volume is never handed out by itself")

        let released = try await cli.run(["pv", "release", "kept"])
        #expect(released.status == 0, "\(released.stderr)")
        #expect(released.stdout.contains("persistentvolume/kept released (was claimed by default/first)"))
        #expect(try await cli.run(["wait", "pvc/second", "--for=jsonpath={.status.phase}=Bound", "--timeout=60s"]).status == 0)
        #expect(try await cli.run(["get", "pvc", "second", "-o", "jsonpath={.spec.volumeName}"]).stdout == "kept")
    }
}
}
