import Foundation
import Testing
import StowageAPI
import StowageClient
import StowageStore
import StowageJSON

@Suite("In-process cluster")
struct LocalClusterTests {
    @Test func bootstrapCreatesTheDefaultNamespaceOnce() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        try await temporary.cluster.bootstrap()
        let namespaces = try await temporary.cluster.listAll(Namespace.self)
        #expect(namespaces.map { $0.metadata.name } == ["default", "kube-system"])
        #expect(namespaces.first?.status?.phase == "Active", "defaults ran on create")
    }

    @Test func createAssignsIdentityAndRefusesDuplicates() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        let created = try await cluster.create(Namespace(metadata: ObjectMeta(name: "team-a")))
        #expect(created.metadata.uid?.isEmpty == false)
        #expect(created.metadata.creationTimestamp != nil)
        #expect(Int64(created.metadata.resourceVersion ?? "") ?? 0 > 0)
        await #expect(throws: APIError.alreadyExists(Namespace.resource, "team-a")) {
            _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "team-a")))
        }
    }

    @Test func invalidObjectsAreRefusedWithFieldCauses() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        do {
            _ = try await temporary.cluster.create(Namespace(metadata: ObjectMeta()))
            Issue.record("an unnamed namespace was accepted")
        } catch let error as APIError {
            #expect(error.reason == .invalid)
            #expect(error.code == 422)
            #expect(error.causes.map(\.field.description) == ["metadata.name"])
            #expect(error.message.hasPrefix("Namespace \"\" is invalid: metadata.name: Required value"))
        }
    }

    @Test func dryRunStoresNothing() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let result = try await temporary.cluster.create(Namespace(metadata: ObjectMeta(name: "dry")), options: WriteOptions(dryRun: true))
        #expect(result.status?.phase == "Active")
        #expect(try await temporary.cluster.getIfPresent(Namespace.self, ObjectKey(name: "dry")) == nil)
    }

    @Test func staleUpdateConflictsAndUnconditionalUpdateWins() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        let created = try await cluster.create(Namespace(metadata: ObjectMeta(name: "n")))
        var first = created
        first.metadata.labels = ["a": "1"]
        _ = try await cluster.update(first)
        var stale = created
        stale.metadata.labels = ["b": "2"]
        await #expect { try await cluster.update(stale) } throws: { ($0 as? APIError)?.reason == .conflict }
        stale.metadata.resourceVersion = nil
        let forced = try await cluster.update(stale)
        #expect(forced.metadata.labels == ["b": "2"])
        #expect(try await cluster.get(Namespace.self, ObjectKey(name: "n")).metadata.labels == ["b": "2"])
    }

    @Test func mergePatchAddsAndRemovesFields() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "p", labels: ["keep": "1", "drop": "2"])))
        let patch = try JSONParser.parse(#"{"metadata":{"labels":{"drop":null,"new":"3"}}}"#)
        let patched = try await cluster.patch(Namespace.self, ObjectKey(name: "p"), .merge(patch))
        #expect(patched.metadata.labels == ["keep": "1", "new": "3"])
        let bad = try JSONParser.parse(#"{"metadata":{"labels":{"x":5}}}"#)
        await #expect { try await cluster.patch(Namespace.self, ObjectKey(name: "p"), .merge(bad)) } throws: { error in
            (error as? APIError)?.message == #"Namespace "p" is invalid: metadata.labels.x: Invalid value: 5: expected a string, found number"#
        }
    }

    @Test func watchFromAListRevisionSeesLaterChangesOnly() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "before")))
        let list = try await cluster.list(Namespace.self, ListOptions())
        _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: "after")))
        var iterator = try await cluster.watch(Namespace.self, WatchOptions(resourceVersion: list.resourceVersion)).makeAsyncIterator()
        let event = try await iterator.next()
        #expect(event?.type == .added)
        #expect(event?.object.metadata.name == "after")
    }

    @Test func badResourceVersionIsABadRequest() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        await #expect(throws: APIError.badRequest("invalid resourceVersion \"abc\": must be a non-negative integer")) {
            _ = try await temporary.cluster.watch(Namespace.self, WatchOptions(resourceVersion: "abc"))
        }
    }
}

@Suite("In-process cluster selectors")
struct LocalClusterSelectorTests {
    @Test func listFiltersByLabelAndFieldSelectors() async throws {
        let temporary = try await TemporaryCluster.make()
        defer { temporary.discard() }
        let cluster = temporary.cluster
        for (name, env) in [("a", "dev"), ("b", "prod"), ("c", "test")] {
            _ = try await cluster.create(Namespace(metadata: ObjectMeta(name: name, labels: ["env": env])))
        }
        let selected = try await cluster.listAll(Namespace.self, labelSelector: "env in (dev,prod)")
        #expect(selected.map { $0.metadata.name } == ["a", "b"])
        let byName = try await cluster.listAll(Namespace.self, labelSelector: "env,env!=dev", fieldSelector: "metadata.name!=c")
        #expect(byName.map { $0.metadata.name } == ["b"])
        await #expect { try await cluster.listAll(Namespace.self, fieldSelector: "spec.nodeName=x") } throws: {
            ($0 as? APIError)?.message == "field label not supported: spec.nodeName"
        }
        await #expect { try await cluster.listAll(Namespace.self, labelSelector: "env in (dev") } throws: {
            (($0 as? APIError)?.reason == .badRequest) && "\($0)".contains("unable to parse requirement")
        }
    }
}
