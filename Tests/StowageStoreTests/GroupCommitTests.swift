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

    @Test func moreWritersThanABatchHoldsCommitInCohortsAndFailuresStayAlone() async throws {
        try await withStore { store, _ in
            // 300 concurrent creates of 6 KiB objects (a batch's undo journal is far beyond SQLite's 64 KiB
            // in-memory limit), every tenth a duplicate of an earlier name, so rollbacks happen late in big batches.
            let color = String(repeating: "c", count: 6 * 1024)
            let outcomes = await withTaskGroup(of: Outcome.self) { group -> [Outcome] in
                for index in 0..<300 {
                    group.addTask {
                        let name = index % 10 == 9 ? "w-\(index - 9)" : "w-\(index)"
                        do {
                            let created = try await store.create(TestWidget("ns", name, color: color, size: index))
                            return .created(name, Int64(created.metadata.resourceVersion ?? "") ?? -1)
                        } catch {
                            return .failed(error.apiReason)
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            var revisions: [Int64] = []
            var failures: [APIError.Reason?] = []
            for outcome in outcomes {
                switch outcome {
                case .created(_, let revision): revisions.append(revision)
                case .failed(let reason): failures.append(reason)
                }
            }
            // Which of two same-named creates wins depends on the order they were queued; exactly one of each pair does.
            #expect(revisions.count == 270)
            #expect(failures.count == 30 && failures.allSatisfy { $0 == .alreadyExists })
            #expect(Set(revisions) == Set(Int64(1)...270), "failed writes must leave no revision behind")
            let statistics = store.commitStatistics
            #expect(statistics.writes == 300)
            #expect(statistics.largestBatch <= 64, "a batch held \(statistics.largestBatch) writes")
            #expect(statistics.batches >= 5)
            let stored = try await store.list(TestWidget.self, StoreListOptions(namespace: "ns"))
            #expect(stored.items.count == 270)
            #expect(stored.items.allSatisfy { $0.spec?.color == color })
            let report = try await store.checkIntegrity()
            #expect(report.isSound, "\(report.problems)")
        }
    }
}
