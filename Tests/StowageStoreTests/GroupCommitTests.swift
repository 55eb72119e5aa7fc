import Foundation
import StowageAPI
import StowageStore
import Testing

@Suite("Store: group commit")
struct GroupCommitTests {
    private enum Outcome: Sendable, Equatable {
        case created(String, Int64)
        case failed(APIError.Reason?)
    }

    @Test func concurrentWritesEachGetTheirOwnResult() async throws {
        try await withStore { store, _ in
            let seed = try await store.create(TestWidget("ns", "contended"))
            // 64 concurrent writers: 48 distinct creates, 8 duplicate creates, 4 stale updates, 4 updates of a
            // missing object. Failures must not fail their batch-mates.
            let outcomes = await withTaskGroup(of: Outcome.self) { group -> [Outcome] in
                for index in 0..<64 {
                    group.addTask {
                        do {
                            switch index {
                            case 0..<56:
                                let created = try await store.create(TestWidget("ns", "w-\(index % 48)"))
                                return .created(created.metadata.name ?? "", Int64(created.metadata.resourceVersion ?? "") ?? -1)
                            case 56..<60:
                                var stale = seed
                                stale.metadata.resourceVersion = "999999"
                                stale.spec?.size = index
                                _ = try await store.update(stale)
                                return .created("unexpected", 0)
                            default:
                                _ = try await store.update(TestWidget("ns", "missing-\(index)"))
                                return .created("unexpected", 0)
                            }
                        } catch {
                            return .failed(error.apiReason)
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            var created: [String: Int64] = [:]
            var failures: [APIError.Reason?] = []
            for outcome in outcomes {
                switch outcome {
                case .created(let name, let revision): created[name] = revision
                case .failed(let reason): failures.append(reason)
                }
            }
            #expect(created.count == 48)
            #expect(created["unexpected"] == nil)
            #expect(failures.filter { $0 == .alreadyExists }.count == 8)
            #expect(failures.filter { $0 == .conflict }.count == 4)
            #expect(failures.filter { $0 == .notFound }.count == 4)
            // Failed writes left no revision behind: the successful ones are exactly 2...49.
            #expect(Set(created.values) == Set(Int64(2)...49))
            for (name, revision) in created {
                let stored = try await store.get(TestWidget.self, ObjectKey(namespace: "ns", name: name))
                #expect(stored.metadata.resourceVersion == String(revision))
            }
            let report = try await store.checkIntegrity()
            #expect(report.isSound, "\(report.problems)")
            #expect(report.changeCount == 49 && report.currentRevision == 49)
        }
    }
}
